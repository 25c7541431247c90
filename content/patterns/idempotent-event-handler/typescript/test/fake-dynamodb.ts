import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

/** The one condition the Powertools DynamoDB layer puts on its write; anything else fails the test. */
export const POWERTOOLS_PUT_CONDITION =
  'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)';

/**
 * An in-memory DynamoDB behind a real SDK v3 client whose `send` is replaced: the code under test
 * builds and sends real commands, and this answers them with DynamoDB's semantics for the
 * four item calls the function makes, including the conditional put and ALL_OLD on failure.
 */
export class FakeDynamoDB {
  readonly client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  readonly calls: string[] = [];
  private readonly tables = new Map<string, Map<string, Item>>();

  constructor(private readonly keys: Record<string, string[]>) {
    this.client.send = (async (command: unknown) => this.handle(command)) as DynamoDBClient['send'];
  }

  items(table: string): Item[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  private table(name: string): Map<string, Item> {
    if (!this.keys[name]) throw new Error(`no such table ${name}`);
    if (!this.tables.has(name)) this.tables.set(name, new Map());
    return this.tables.get(name)!;
  }

  private keyOf(table: string, item: Item): string {
    return JSON.stringify(this.keys[table].map((attribute) => item[attribute]));
  }

  private async handle(command: unknown): Promise<unknown> {
    if (command instanceof PutItemCommand) {
      const { TableName, Item, ConditionExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {} } = command.input;
      const table = this.table(TableName!);
      const key = this.keyOf(TableName!, Item!);
      const existing = table.get(key);
      this.calls.push(`PutItem ${TableName}`);
      if (ConditionExpression !== undefined) {
        if (ConditionExpression !== POWERTOOLS_PUT_CONDITION) throw new Error(`unexpected condition ${ConditionExpression}`);
        const attr = (name: string) => existing?.[ExpressionAttributeNames[name]];
        const value = (name: string) => ExpressionAttributeValues[name];
        const allowed =
          existing === undefined ||
          Number(attr('#expiry')?.N) < Number(value(':now').N) ||
          (attr('#status')?.S === value(':inprogress').S &&
            attr('#in_progress_expiry') !== undefined &&
            Number(attr('#in_progress_expiry')?.N) < Number(value(':now_in_millis').N));
        if (!allowed) {
          throw new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
            Item: command.input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? existing : undefined,
          });
        }
      }
      table.set(key, { ...Item });
      return {};
    }
    if (command instanceof GetItemCommand) {
      const { TableName, Key } = command.input;
      this.calls.push(`GetItem ${TableName}`);
      const item = this.table(TableName!).get(this.keyOf(TableName!, Key!));
      return item ? { Item: { ...item } } : {};
    }
    if (command instanceof UpdateItemCommand) {
      const { TableName, Key, UpdateExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {} } = command.input;
      this.calls.push(`UpdateItem ${TableName}`);
      const table = this.table(TableName!);
      const key = this.keyOf(TableName!, Key!);
      const item: Item = { ...(table.get(key) ?? Key!) };
      const match = /^SET (.+)$/.exec(UpdateExpression ?? '');
      if (!match) throw new Error(`unsupported update ${UpdateExpression}`);
      for (const assignment of match[1].split(',')) {
        const [name, value] = assignment.split('=').map((part) => part.trim());
        item[ExpressionAttributeNames[name]] = ExpressionAttributeValues[value];
      }
      table.set(key, item);
      return {};
    }
    if (command instanceof DeleteItemCommand) {
      const { TableName, Key } = command.input;
      this.calls.push(`DeleteItem ${TableName}`);
      this.table(TableName!).delete(this.keyOf(TableName!, Key!));
      return {};
    }
    throw new Error(`the function should not call ${(command as object).constructor.name}`);
  }
}
