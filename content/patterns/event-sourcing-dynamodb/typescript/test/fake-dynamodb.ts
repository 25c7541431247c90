import {
  type AttributeValue,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/**
 * An in-memory stand-in for the four DynamoDB calls the handlers make. It honours the two condition
 * expressions the code sends, key order, pagination and all-or-nothing transactions, and records every call.
 */
export class FakeDynamoDB {
  readonly tables = new Map<string, Map<string, Item>>();
  readonly calls: { name: string; input: unknown }[] = [];
  failWith: { name: string; table?: string; error: Error } | undefined;

  constructor(readonly pageSize = 7) {}

  items(table: string): Item[] {
    return [...(this.tables.get(table)?.values() ?? [])].sort((a, b) => Number(a.version?.N ?? 0) - Number(b.version?.N ?? 0));
  }

  private table(name: string) {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Map()));
    return t;
  }

  private key(item: Item) {
    return `${item.aggregateId.S}#${item.version?.N ?? ''}`;
  }

  private passes(put: PutItemCommandInput): boolean {
    const item = put.Item as Item;
    if (put.TableName?.startsWith('Snapshots')) {
      const existing = this.table(put.TableName).get(`${item.aggregateId.S}#`);
      if (put.ConditionExpression !== 'attribute_not_exists(version) OR version < :v') return true;
      return !existing || Number(existing.version.N) < Number(put.ExpressionAttributeValues?.[':v'].N);
    }
    if (put.ConditionExpression !== 'attribute_not_exists(version)') return true;
    return !this.table(put.TableName ?? '').has(this.key(item));
  }

  private store(put: PutItemCommandInput) {
    const item = put.Item as Item;
    const key = put.TableName?.startsWith('Snapshots') ? `${item.aggregateId.S}#` : this.key(item);
    this.table(put.TableName ?? '').set(key, item);
  }

  async send(command: unknown): Promise<any> {
    const name = (command as object).constructor.name;
    const input = (command as { input: unknown }).input;
    this.calls.push({ name, input });
    await Promise.resolve(); // yield, so concurrent callers interleave as they would over the network
    const table = (input as { TableName?: string }).TableName;
    if (this.failWith?.name === name && (this.failWith.table === undefined || this.failWith.table === table)) throw this.failWith.error;
    if (command instanceof GetItemCommand) {
      const { TableName, Key } = command.input;
      return { Item: this.table(TableName ?? '').get(`${Key?.aggregateId.S}#`) };
    }
    if (command instanceof PutItemCommand) {
      if (!this.passes(command.input)) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      this.store(command.input);
      return {};
    }
    if (command instanceof TransactWriteItemsCommand) {
      const puts = (command.input.TransactItems ?? []).map((t) => t.Put as PutItemCommandInput);
      const reasons = puts.map((p) => ({ Code: this.passes(p) ? 'None' : 'ConditionalCheckFailed' }));
      if (reasons.some((r) => r.Code !== 'None')) {
        throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
      }
      puts.forEach((p) => this.store(p));
      return {};
    }
    if (command instanceof QueryCommand) {
      const { TableName, KeyConditionExpression: kce, ExpressionAttributeValues: v, ExclusiveStartKey } = command.input;
      const id = v?.[':id'].S;
      const n = (k: string) => Number(v?.[k].N);
      const matches = this.items(TableName ?? '').filter((item) => {
        const version = Number(item.version.N);
        if (item.aggregateId.S !== id) return false;
        if (kce === 'aggregateId = :id AND version > :from') return version > n(':from');
        if (kce === 'aggregateId = :id AND version BETWEEN :from AND :to') return version >= n(':from') && version <= n(':to');
        if (kce === 'aggregateId = :id AND version = :v') return version === n(':v');
        throw new Error(`unexpected key condition ${kce}`);
      });
      const start = ExclusiveStartKey ? matches.findIndex((i) => i.version.N === ExclusiveStartKey.version.N) + 1 : 0;
      const page = matches.slice(start, start + this.pageSize);
      const last = page.at(-1);
      return {
        Items: page,
        LastEvaluatedKey: start + this.pageSize < matches.length && last ? { aggregateId: last.aggregateId, version: last.version } : undefined,
      };
    }
    throw new Error(`FakeDynamoDB does not implement ${name}`);
  }
}
