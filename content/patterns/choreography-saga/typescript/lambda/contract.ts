/**
 * The saga's event contract: who publishes what, with which fields. The stack builds its rules and
 * IAM conditions from these constants and the handlers validate against them, so the two cannot drift.
 */

/** Each service publishes under its own source; IAM lets a service put events only with its own. */
export const SOURCES = {
  checkout: 'shop.checkout',
  orders: 'shop.orders',
  payments: 'shop.payments',
  inventory: 'shop.inventory',
} as const;
export type Publisher = keyof typeof SOURCES;

/** Every event type on the bus, with the source that may publish it. */
export const EVENT_TYPES = {
  OrderSubmitted: SOURCES.checkout,
  OrderPlaced: SOURCES.orders,
  OrderConfirmed: SOURCES.orders,
  OrderCancelled: SOURCES.orders,
  PaymentCompleted: SOURCES.payments,
  PaymentFailed: SOURCES.payments,
  PaymentRefunded: SOURCES.payments,
  StockReserved: SOURCES.inventory,
  StockFailed: SOURCES.inventory,
} as const;
export type DetailType = keyof typeof EVENT_TYPES;

/** The detail types each service publishes; the IAM condition on its PutEvents lists exactly these. */
export function publishedBy(source: string): DetailType[] {
  return (Object.keys(EVENT_TYPES) as DetailType[]).filter((t) => EVENT_TYPES[t] === source);
}

/**
 * Each service's explicit state machine, as stored in the `status` attribute of its item.
 * A transition is a conditional write from one of these states to one it lists.
 */
export const ORDER_STATES = { PENDING: ['CONFIRMED', 'CANCELLED'], CONFIRMED: [], CANCELLED: [] } as const;
export const PAYMENT_STATES = { CHARGED: ['REFUNDED'], DECLINED: [], REFUNDED: [] } as const;
export const STOCK_STATES = { RESERVED: [], FAILED: [] } as const;

/** Demo card limit: Payments declines any order above it, which is how you force the first failure path. */
export const PAYMENT_LIMIT_CENTS = 50_000;
/** Demo stock rule: Inventory has none of any SKU that starts with this, which forces the second failure path. */
export const SOLD_OUT_PREFIX = 'SOLDOUT-';

export const ORDER_ID_PATTERN = '^[A-Za-z0-9-]{1,64}$';
export const SKU_PATTERN = '^[A-Z0-9-]{1,32}$';
export const MAX_AMOUNT_CENTS = 10_000_000;
export const MAX_QUANTITY = 100;

/** The order as every forward event carries it, so the next service needs no call back. */
export interface Order {
  orderId: string;
  amountCents: number;
  sku: string;
  quantity: number;
}

/** A detail that breaks the contract: thrown, so Lambda retries it and then parks it in the service's DLQ. */
export class InvalidEvent extends Error {
  override name = 'InvalidEvent';
}

/** An event about an order this service has no record of: nothing to move, so a person should look. */
export class UnknownOrder extends Error {
  override name = 'UnknownOrder';
}

function record(detail: unknown): Record<string, unknown> {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new InvalidEvent('detail must be a JSON object');
  return detail as Record<string, unknown>;
}

export function orderIdOf(detail: unknown): string {
  const { orderId } = record(detail);
  if (typeof orderId !== 'string' || !new RegExp(ORDER_ID_PATTERN).test(orderId)) {
    throw new InvalidEvent(`orderId must match ${ORDER_ID_PATTERN}`);
  }
  return orderId;
}

function wholeNumber(value: unknown, name: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidEvent(`${name} must be a whole number from 1 to ${max}`);
  }
  return value;
}

/** The four order fields, checked: any event that starts or continues the forward path carries them. */
export function orderOf(detail: unknown): Order {
  const fields = record(detail);
  const orderId = orderIdOf(fields);
  const amountCents = wholeNumber(fields.amountCents, 'amountCents', MAX_AMOUNT_CENTS);
  const quantity = wholeNumber(fields.quantity, 'quantity', MAX_QUANTITY);
  if (typeof fields.sku !== 'string' || !new RegExp(SKU_PATTERN).test(fields.sku)) throw new InvalidEvent(`sku must match ${SKU_PATTERN}`);
  return { orderId, amountCents, sku: fields.sku, quantity };
}

/** What every handler receives from an EventBridge rule target (only the fields the saga reads). */
export interface SagaEvent {
  id?: string;
  source: string;
  'detail-type': string;
  detail: unknown;
}

/** The rule already filters on source; checking again means a mis-edited rule fails loudly, not silently. */
export function expectFrom(event: SagaEvent, accepted: readonly DetailType[]): DetailType {
  const type = event['detail-type'] as DetailType;
  if (!accepted.includes(type) || EVENT_TYPES[type] !== event.source) {
    throw new InvalidEvent(`this service does not handle ${event.source} / ${event['detail-type']}`);
  }
  return type;
}
