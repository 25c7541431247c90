import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

type AttrMap = Record<string, AttributeValue>;

function conditionFailed(item: AttrMap | undefined, returnOld: string | undefined): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(returnOld === 'ALL_OLD' && item ? { Item: structuredClone(item) } : {}),
  });
}

/**
 * Stands in for DynamoDB with its conditional semantics, for exactly the expressions the saga table
 * writes: `attribute_not_exists(orderId)` on PutItem, `#status = :from` with `SET #a = :a, ...` on
 * UpdateItem. Any other expression throws, so a changed condition cannot slip past the tests.
 */
export class FakeDynamo {
  readonly items = new Map<string, AttrMap>();
  readonly calls: string[] = [];

  asClient(): DynamoDBClient {
    return this as unknown as DynamoDBClient;
  }

  /** The stored item, as plain values. */
  get(orderId: string): Record<string, string | number> | undefined {
    const item = this.items.get(orderId);
    if (!item) return undefined;
    return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.N !== undefined ? Number(v.N) : (v.S as string)]));
  }

  async send(command: unknown): Promise<unknown> {
    if (command instanceof PutItemCommand) {
      const input = command.input;
      this.calls.push('PutItem');
      if (input.ConditionExpression !== 'attribute_not_exists(orderId)') throw new Error(`unexpected condition ${input.ConditionExpression}`);
      const orderId = input.Item?.orderId?.S;
      if (!orderId) throw new Error('PutItem without an orderId key');
      const existing = this.items.get(orderId);
      if (existing) throw conditionFailed(existing, input.ReturnValuesOnConditionCheckFailure);
      this.items.set(orderId, structuredClone(input.Item as AttrMap));
      return {};
    }
    if (command instanceof UpdateItemCommand) {
      const input = command.input;
      this.calls.push('UpdateItem');
      if (input.ConditionExpression !== '#status = :from') throw new Error(`unexpected condition ${input.ConditionExpression}`);
      const names = input.ExpressionAttributeNames ?? {};
      const values = input.ExpressionAttributeValues ?? {};
      const orderId = input.Key?.orderId?.S as string;
      const existing = this.items.get(orderId);
      if (!existing || existing[names['#status'] as string]?.S !== values[':from']?.S) {
        throw conditionFailed(existing, input.ReturnValuesOnConditionCheckFailure);
      }
      const sets = /^SET (.+)$/.exec(input.UpdateExpression ?? '')?.[1]?.split(', ') ?? [];
      if (sets.length === 0) throw new Error(`unexpected update ${input.UpdateExpression}`);
      const updated = structuredClone(existing);
      for (const clause of sets) {
        const [name, value] = clause.split(' = ');
        if (!name || !value || !(name in names) || !(value in values)) throw new Error(`unexpected clause ${clause}`);
        updated[names[name] as string] = values[value] as AttributeValue;
      }
      this.items.set(orderId, updated);
      return { Attributes: input.ReturnValues === 'ALL_NEW' ? structuredClone(updated) : undefined };
    }
    throw new Error(`FakeDynamo does not handle ${(command as object).constructor.name}`);
  }
}

/** Records every entry put on the bus; `refuseNext` makes the next calls answer with a failed entry, as PutEvents does. */
export class FakeEventBridge {
  readonly entries: PutEventsRequestEntry[] = [];
  refuseNext = 0;

  asClient(): EventBridgeClient {
    return this as unknown as EventBridgeClient;
  }

  async send(command: unknown): Promise<unknown> {
    if (!(command instanceof PutEventsCommand)) throw new Error('FakeEventBridge only handles PutEvents');
    const entries = command.input.Entries ?? [];
    if (this.refuseNext > 0) {
      this.refuseNext -= 1;
      return { FailedEntryCount: entries.length, Entries: entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' })) };
    }
    this.entries.push(...entries);
    return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `event-${this.entries.length + i}` })) };
  }

  /** The published events as a rule target would receive them. */
  events() {
    return this.entries.map((e) => ({ source: e.Source as string, 'detail-type': e.DetailType as string, detail: JSON.parse(e.Detail ?? '{}') }));
  }
}

/** Runs a handler with its JSON log lines captured instead of printed. */
export async function quietly<T>(fn: () => Promise<T>, lines: string[] = []): Promise<T> {
  const { log, warn } = console;
  console.log = (line: string) => lines.push(line);
  console.warn = (line: string) => lines.push(line);
  try {
    return await fn();
  } finally {
    Object.assign(console, { log, warn });
  }
}
