import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** One order's record in one service's table: its key, its state, and the plain fields the service keeps. */
export type Item = { orderId: string; status: string } & Record<string, string | number>;

/** A service's state machine: each state with the states it may move to. */
export type StateMachine = Readonly<Record<string, readonly string[]>>;

export type CreateResult = { written: true } | { written: false; existing: Item };
export type MoveResult = { moved: true; item: Item } | { moved: false; existing?: Item };

/** The two writes a service makes. Both are conditional, so a redelivered event cannot apply twice. */
export interface SagaTable {
  /** Writes the order's first state, or hands back the item already stored under that order id. */
  create(item: Item): Promise<CreateResult>;
  /** Moves the item from `from` to `to`, or hands back what is stored (nothing, for an unknown order). */
  move(orderId: string, from: string, to: string, changes: Record<string, string | number>): Promise<MoveResult>;
}

function marshal(item: Record<string, string | number>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: v }]));
}

function unmarshal(item: Record<string, AttributeValue> | undefined): Item | undefined {
  if (!item) return undefined;
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.N !== undefined ? Number(v.N) : (v.S ?? '')])) as Item;
}

/** The table a service owns, keyed by order id, with its state machine enforced on every write. */
export function dynamoSagaTable(client: DynamoDBClient, tableName: string, machine: StateMachine): SagaTable {
  return {
    async create(item) {
      if (!(item.status in machine)) throw new Error(`${item.status} is not a state of this service`);
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: marshal(item),
            // The order id is the saga id: one item per order, written once.
            ConditionExpression: 'attribute_not_exists(orderId)',
            // Hands back the stored item on a redelivery, without a second read.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { written: true };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          const existing = unmarshal(error.Item);
          if (!existing) throw new Error('DynamoDB refused the write but returned no stored item');
          return { written: false, existing };
        }
        throw error;
      }
    },

    async move(orderId, from, to, changes) {
      if (!(machine[from] ?? []).includes(to)) throw new Error(`${from} -> ${to} is not a transition of this service`);
      const set = { status: to, ...changes };
      const keys = Object.keys(set);
      try {
        const result = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { orderId: { S: orderId } },
            UpdateExpression: `SET ${keys.map((k) => `#${k} = :${k}`).join(', ')}`,
            // Only from the expected state: a duplicate or a late event finds the item already moved on.
            ConditionExpression: '#status = :from',
            ExpressionAttributeNames: Object.fromEntries(keys.map((k) => [`#${k}`, k])),
            ExpressionAttributeValues: { ...marshal(Object.fromEntries(keys.map((k) => [`:${k}`, set[k as keyof typeof set]]))), ':from': { S: from } },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { moved: true, item: unmarshal(result.Attributes) as Item };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { moved: false, existing: unmarshal(error.Item) };
        throw error;
      }
    },
  };
}
