import { BatchGetItemCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * One SQS message as EventBridge Pipes hands it to an enrichment: the record a Lambda SQS
 * event source would deliver, with the message body still a string.
 */
export interface SqsPipeRecord {
  messageId: string;
  body: string;
  attributes?: Record<string, string>;
  [field: string]: unknown;
}

/** The order fields this pipe relies on. The pipe's filter only lets through bodies that have them. */
export interface PriorityOrder {
  orderId: string;
  orderType: string;
  customerId: string;
  total: number;
  [field: string]: unknown;
}

/** What the enrichment adds. Every field is always present, so the target template never meets a missing path. */
export interface CustomerProfile {
  found: boolean;
  name: string;
  tier: string;
  country: string;
}

/** One element of the enrichment's answer: the order as sent, the customer looked up, and the SQS message id. */
export interface EnrichedOrder {
  messageId: string;
  order: PriorityOrder;
  customer: CustomerProfile;
}

/** What a customer id that has no item in the table enriches to. */
export const UNKNOWN_CUSTOMER: CustomerProfile = { found: false, name: '', tier: 'unknown', country: '' };

/** Finds the profiles of the given customer ids; an id with no item is left out of the map. */
export type LookupCustomers = (customerIds: string[]) => Promise<Map<string, CustomerProfile>>;

/** A record no retry can fix. Thrown, so the batch fails loudly instead of vanishing. */
export class MalformedOrder extends Error {}

/** BatchGetItem reads at most 100 keys a call; a pipe batch is at most 10, but the lookup does not rely on it. */
const KEYS_PER_CALL = 100;
/** Calls per chunk before unprocessed keys count as a failure of the whole batch. */
export const MAX_ATTEMPTS = 3;

export type BatchGetClient = Pick<DynamoDBClient, 'send'>;

/**
 * Looks customers up with BatchGetItem, reading only the three attributes the enrichment
 * passes on (the table may hold more, such as an e-mail address, that must not travel).
 */
export function dynamoLookup(
  client: BatchGetClient,
  tableName: string,
  pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): LookupCustomers {
  return async (customerIds) => {
    const profiles = new Map<string, CustomerProfile>();
    for (let start = 0; start < customerIds.length; start += KEYS_PER_CALL) {
      let keys: Record<string, AttributeValue>[] = customerIds
        .slice(start, start + KEYS_PER_CALL)
        .map((customerId) => ({ customerId: { S: customerId } }));
      for (let attempt = 1; keys.length > 0; attempt += 1) {
        if (attempt > MAX_ATTEMPTS) {
          throw new Error(`DynamoDB left ${keys.length} customer keys unprocessed after ${MAX_ATTEMPTS} attempts`);
        }
        if (attempt > 1) await pause(50 * 2 ** (attempt - 2));
        const result = await client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [tableName]: {
                Keys: keys,
                // "name" is a DynamoDB reserved word.
                ProjectionExpression: 'customerId, #name, tier, country',
                ExpressionAttributeNames: { '#name': 'name' },
              },
            },
          }),
        );
        for (const item of result.Responses?.[tableName] ?? []) {
          const id = item.customerId?.S;
          if (id === undefined) continue;
          profiles.set(id, {
            found: true,
            name: item.name?.S ?? '',
            tier: item.tier?.S ?? 'standard',
            country: item.country?.S ?? '',
          });
        }
        keys = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
      }
    }
    return profiles;
  };
}

/** Reads the order out of one SQS record, or says why it cannot. */
export function parseOrder(record: SqsPipeRecord): PriorityOrder {
  let value: unknown;
  try {
    value = typeof record.body === 'string' ? JSON.parse(record.body) : record.body;
  } catch {
    throw new MalformedOrder(`message ${record.messageId}: body is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedOrder(`message ${record.messageId}: body is not a JSON object`);
  }
  const order = value as Record<string, unknown>;
  if (typeof order.orderId !== 'string' || order.orderId.length === 0) {
    throw new MalformedOrder(`message ${record.messageId}: orderId is missing`);
  }
  if (typeof order.customerId !== 'string' || order.customerId.length === 0) {
    throw new MalformedOrder(`message ${record.messageId}: customerId is missing`);
  }
  if (typeof order.total !== 'number' || !Number.isFinite(order.total)) {
    throw new MalformedOrder(`message ${record.messageId}: total is not a number`);
  }
  return order as PriorityOrder;
}

/**
 * The enrichment: Pipes invokes it synchronously with the filtered batch and sends what it
 * returns, element by element, through the target's input template to the bus. It only adds
 * data; it neither reads the queue nor publishes, so a thrown error fails the whole batch and
 * SQS delivers every message of it again.
 */
export function createHandler(lookup: LookupCustomers) {
  return async (records: SqsPipeRecord[]): Promise<EnrichedOrder[]> => {
    const orders = records.map((record) => ({ messageId: record.messageId, order: parseOrder(record) }));
    if (orders.length === 0) return [];
    // Several orders of one customer in a batch cost one read.
    const customerIds = [...new Set(orders.map(({ order }) => order.customerId))];
    const profiles = await lookup(customerIds);
    const enriched = orders.map(({ messageId, order }) => ({
      messageId,
      order,
      customer: profiles.get(order.customerId) ?? { ...UNKNOWN_CUSTOMER },
    }));
    const unknown = enriched.filter((e) => !e.customer.found).map((e) => e.order.customerId);
    if (unknown.length > 0) {
      // Not an error: the order still goes on the bus, marked as from an unknown customer.
      console.warn(JSON.stringify({ level: 'WARN', message: 'customers not found', customerIds: [...new Set(unknown)] }));
    }
    return enriched;
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createHandler(dynamoLookup(new DynamoDBClient({}), process.env.CUSTOMERS_TABLE_NAME ?? ''));
