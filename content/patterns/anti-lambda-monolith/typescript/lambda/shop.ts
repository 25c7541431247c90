// The shop's operations as plain functions that take the DynamoDB document client as a parameter.
// Both stacks run this same code: the monolith calls all four from one switch, the fix gives each
// its own function. Moving the code was never the hard part of the split; the handler around it was.
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

/** The one method of the document client the operations use, so tests can stand in for it. */
export type Documents = { send(command: PutCommand | GetCommand | DeleteCommand | TransactWriteCommand): Promise<unknown> };

/** What an operation answers; the HTTP layer turns it into an API Gateway response. */
export type Reply = { statusCode: number; body?: unknown };

/** A request the caller got wrong: answered 400 with this message. */
export class BadRequest extends Error {}

export type OrderLine = { sku: string; quantity: number };

export const MAX_ORDER_LINES = 25;
export const MAX_QUANTITY = 100;

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const SKU = /^[A-Z0-9-]{1,32}$/;

/** Ids are the UUIDs this API hands out; anything else cannot exist, so it is never looked up. */
export function isId(value: string | undefined): value is string {
  return typeof value === 'string' && ID.test(value);
}

function record(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('The body must be a JSON object.');
  return body as Record<string, unknown>;
}

export function parseCustomer(body: unknown): { name: string; email: string } {
  const { name, email } = record(body);
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) throw new BadRequest('name must be a string of 1 to 100 characters.');
  if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email)) throw new BadRequest('email must be an e-mail address.');
  return { name: name.trim(), email: email.toLowerCase() };
}

export function parseOrder(body: unknown): OrderLine[] {
  const { lines } = record(body);
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_ORDER_LINES) {
    throw new BadRequest(`lines must be a list of 1 to ${MAX_ORDER_LINES} order lines.`);
  }
  return lines.map((line) => {
    const { sku, quantity } = record(line);
    if (typeof sku !== 'string' || !SKU.test(sku)) throw new BadRequest('Each sku must be 1 to 32 capital letters, digits or dashes.');
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw new BadRequest(`Each quantity must be a whole number from 1 to ${MAX_QUANTITY}.`);
    }
    return { sku, quantity };
  });
}

const notFound = (what: string): Reply => ({ statusCode: 404, body: { message: `No such ${what}.` } });

export async function createCustomer(documents: Documents, table: string, body: unknown, newId = randomUUID, now = () => new Date()): Promise<Reply> {
  const customer = { customerId: newId(), ...parseCustomer(body), createdAt: now().toISOString() };
  // The condition turns the vanishingly rare id collision into an error instead of an overwrite.
  await documents.send(new PutCommand({ TableName: table, Item: customer, ConditionExpression: 'attribute_not_exists(customerId)' }));
  return { statusCode: 201, body: customer };
}

export async function getCustomer(documents: Documents, table: string, customerId: string | undefined): Promise<Reply> {
  if (!isId(customerId)) return notFound('customer');
  const { Item } = (await documents.send(new GetCommand({ TableName: table, Key: { customerId } }))) as { Item?: Record<string, unknown> };
  return Item ? { statusCode: 200, body: Item } : notFound('customer');
}

export async function deleteCustomer(documents: Documents, table: string, customerId: string | undefined): Promise<Reply> {
  if (!isId(customerId)) return notFound('customer');
  // Deleting what is already gone is not an error: a retried DELETE answers the same.
  await documents.send(new DeleteCommand({ TableName: table, Key: { customerId } }));
  return { statusCode: 204 };
}

export async function placeOrder(
  documents: Documents,
  tables: { customers: string; orders: string },
  customerId: string | undefined,
  body: unknown,
  newId = randomUUID,
  now = () => new Date(),
): Promise<Reply> {
  if (!isId(customerId)) return notFound('customer');
  const order = { orderId: newId(), customerId, lines: parseOrder(body), createdAt: now().toISOString() };
  try {
    // One transaction: the order is written only if the customer exists at that moment, so a
    // customer deleted a millisecond earlier cannot collect an orphaned order.
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: tables.customers, Key: { customerId }, ConditionExpression: 'attribute_exists(customerId)' } },
          { Put: { TableName: tables.orders, Item: order, ConditionExpression: 'attribute_not_exists(orderId)' } },
        ],
      }),
    );
  } catch (error) {
    const reasons = (error as { name?: string; CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if ((error as Error).name === 'TransactionCanceledException' && reasons?.[0]?.Code === 'ConditionalCheckFailed') return notFound('customer');
    throw error;
  }
  return { statusCode: 201, body: order };
}
