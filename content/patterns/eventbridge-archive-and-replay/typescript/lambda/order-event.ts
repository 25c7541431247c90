/**
 * What an order event is, shared by the stack (its rule and archive patterns) and both consumers.
 * The orders service owns this contract; everything downstream checks it again, because any
 * principal allowed to call PutEvents on the bus can put an event that merely looks like one.
 */

/** The `source` of every event the orders service puts on the bus. */
export const EVENT_SOURCE = 'com.example.orders';
/** The `detail-type` of a new order: the one event the ledger and the notifier act on. */
export const ORDER_PLACED = 'OrderPlaced';
/** Every lifecycle event of the orders service starts with this (OrderPlaced, OrderCancelled…). */
export const ORDER_EVENT_PREFIX = 'Order';
/** In-store orders: the till prints a receipt, so no confirmation e-mail is sent. */
export const IN_STORE_CHANNEL = 'pos';

export const CHANNELS = ['web', 'app', IN_STORE_CHANNEL] as const;
export type Channel = (typeof CHANNELS)[number];

const ID = /^[A-Za-z0-9-]{1,64}$/;
const CURRENCY = /^[A-Z]{3}$/;
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
/** One million in the currency's major unit: a bigger order is a bug, not a sale. */
export const MAX_TOTAL_CENTS = 100_000_000;

/** The detail of an OrderPlaced event. `orderId` is the business key every effect is keyed on. */
export type OrderPlaced = {
  orderId: string;
  customerId: string;
  channel: Channel;
  totalCents: number;
  currency: string;
  placedAt: string;
};

/** The EventBridge envelope as a target receives it; `replay-name` is present only on replayed events. */
export type OrderEventEnvelope = {
  version: string;
  id: string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  'detail-type': string;
  detail: unknown;
  'replay-name'?: string;
};

/** An event that can never succeed, however often it is retried. */
export class InvalidOrderEvent extends Error {
  override name = 'InvalidOrderEvent';
}

const FIELDS = ['orderId', 'customerId', 'channel', 'totalCents', 'currency', 'placedAt'];

/** Checks an OrderPlaced detail field by field and returns only the known fields. */
export function parseOrderPlaced(detail: unknown): OrderPlaced {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    throw new InvalidOrderEvent('detail is not an object');
  }
  const d = detail as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) throw new InvalidOrderEvent(`unknown fields: ${unknown.join(', ')}`);
  const { orderId, customerId, channel, totalCents, currency, placedAt } = d;
  if (typeof orderId !== 'string' || !ID.test(orderId)) throw new InvalidOrderEvent('orderId is missing or malformed');
  if (typeof customerId !== 'string' || !ID.test(customerId)) throw new InvalidOrderEvent('customerId is missing or malformed');
  if (typeof channel !== 'string' || !(CHANNELS as readonly string[]).includes(channel)) {
    throw new InvalidOrderEvent(`channel must be one of ${CHANNELS.join(', ')}`);
  }
  if (typeof totalCents !== 'number' || !Number.isSafeInteger(totalCents) || totalCents < 0 || totalCents > MAX_TOTAL_CENTS) {
    throw new InvalidOrderEvent(`totalCents must be a whole number from 0 to ${MAX_TOTAL_CENTS}`);
  }
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) throw new InvalidOrderEvent('currency must be three capital letters');
  if (typeof placedAt !== 'string' || !UTC_TIMESTAMP.test(placedAt) || Number.isNaN(Date.parse(placedAt))) {
    throw new InvalidOrderEvent('placedAt must be a UTC timestamp such as 2026-12-05T09:15:00Z');
  }
  return { orderId, customerId, channel: channel as Channel, totalCents, currency, placedAt };
}

/** Checks the envelope's source and type (the rules already did; a hand-put event may not match). */
export function parseEnvelope(value: unknown): OrderEventEnvelope {
  if (typeof value !== 'object' || value === null) throw new InvalidOrderEvent('event is not an object');
  const event = value as OrderEventEnvelope;
  if (event.source !== EVENT_SOURCE || event['detail-type'] !== ORDER_PLACED) {
    throw new InvalidOrderEvent(`unexpected event ${String(event.source)} / ${String(event['detail-type'])}`);
  }
  if (event['replay-name'] !== undefined && typeof event['replay-name'] !== 'string') {
    throw new InvalidOrderEvent('replay-name is not a string');
  }
  return event;
}
