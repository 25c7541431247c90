import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/**
 * A real DynamoDBClient whose send() answers from memory, for the calls Powertools' DynamoDB persistence
 * layer makes. PutItem applies the layer's own condition: refused while an unexpired record holds the key.
 */
export function inMemoryDynamoDB(): { client: DynamoDBClient; items: Map<string, Item> } {
  const items = new Map<string, Item>();
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const keyOf = (key: Item) => JSON.stringify(key);
  (client as unknown as { send: (c: unknown) => Promise<unknown> }).send = async (command: unknown) => {
    if (command instanceof PutItemCommand) {
      const { Item: item, ExpressionAttributeValues: values } = command.input;
      const key = keyOf({ id: item!.id });
      const existing = items.get(key);
      if (existing) {
        const now = Number(values?.[':now']?.N);
        const nowMillis = Number(values?.[':now_in_millis']?.N);
        const expired = Number(existing.expiration?.N) < now;
        const staleInProgress =
          existing.status?.S === 'INPROGRESS' && existing.in_progress_expiration !== undefined && Number(existing.in_progress_expiration.N) < nowMillis;
        if (!expired && !staleInProgress) {
          throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: existing });
        }
      }
      items.set(key, { ...item });
      return {};
    }
    if (command instanceof GetItemCommand) return { Item: items.get(keyOf(command.input.Key!)) };
    if (command instanceof DeleteItemCommand) {
      items.delete(keyOf(command.input.Key!));
      return {};
    }
    if (command instanceof UpdateItemCommand) {
      const { Key, UpdateExpression, ExpressionAttributeNames: names = {}, ExpressionAttributeValues: values = {} } = command.input;
      const item = { ...(items.get(keyOf(Key!)) ?? Key!) };
      for (const assignment of UpdateExpression!.replace(/^SET /, '').split(',')) {
        const [name, value] = assignment.split('=').map((part) => part.trim());
        item[names[name] ?? name] = values[value];
      }
      items.set(keyOf(Key!), item);
      return {};
    }
    throw new Error(`unexpected command ${(command as object).constructor.name}`);
  };
  return { client, items };
}
