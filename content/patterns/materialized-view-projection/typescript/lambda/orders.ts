/**
 * The order read model: the events an order can have, the view a reader wants, and `evolve`, the one
 * pure function that turns a view and the next event into the next view. The projector and the
 * rebuild both fold through `evolve`, so a view depends only on the events, never on who applied them.
 */

export const STATUSES = ['PLACED', 'PAID', 'SHIPPED', 'CANCELLED'] as const;
export type OrderStatus = (typeof STATUSES)[number];

export const EVENT_TYPES = ['OrderPlaced', 'ItemAdded', 'ItemRemoved', 'OrderPaid', 'OrderShipped', 'OrderCancelled'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

interface Envelope {
  aggregateId: string;
  version: number;
  occurredAt: string;
}

export type OrderEvent = Envelope &
  (
    | { type: 'OrderPlaced'; data: { customerId: string } }
    | { type: 'ItemAdded'; data: { sku: string; quantity: number; unitPriceCents: number } }
    | { type: 'ItemRemoved'; data: { sku: string } }
    | { type: 'OrderPaid'; data: Record<string, never> }
    | { type: 'OrderShipped'; data: { trackingNumber: string } }
    | { type: 'OrderCancelled'; data: { reason: string } }
  );

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** One item of the view table: everything the read API answers, plus the version it reflects. */
export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  /** Sort key of the ByCustomerStatus index: status first, then time, so one Query serves "PAID orders, newest first". */
  statusAt: string;
  lines: OrderLine[];
  itemCount: number;
  totalCents: number;
  trackingNumber?: string;
  cancelReason?: string;
  placedAt: string;
  updatedAt: string;
  /** The version of the last event folded into this item; the write condition of both paths rests on it. */
  lastVersion: number;
}

/** An event the fold cannot apply. Retrying will not help: the event or the fold has to change. */
export class ProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionError';
  }
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

function text(data: Record<string, unknown>, name: string, where: string): string {
  const value = data[name];
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) throw new ProjectionError(`${where}: ${name} must be a non-empty string`);
  return value;
}

function whole(data: Record<string, unknown>, name: string, where: string, min: number): number {
  const value = data[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new ProjectionError(`${where}: ${name} must be an integer of at least ${min}`);
  return value;
}

/** The version stored with an event item; a positive integer or the item is not an event. */
export function versionOf(item: Record<string, unknown>): number {
  const version = item.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new ProjectionError(`event item has no positive integer version: ${JSON.stringify(version)}`);
  }
  return version;
}

/** Checks one stored event item (already unmarshalled) and returns it typed; throws ProjectionError otherwise. */
export function parseEvent(item: Record<string, unknown>): OrderEvent {
  const aggregateId = item.aggregateId;
  if (typeof aggregateId !== 'string' || !ID.test(aggregateId)) throw new ProjectionError(`event item has no valid aggregateId: ${JSON.stringify(aggregateId)}`);
  const version = versionOf(item);
  const where = `${aggregateId} v${version}`;
  const occurredAt = item.occurredAt;
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) throw new ProjectionError(`${where}: occurredAt must be an ISO 8601 time`);
  const type = item.type;
  const raw = item.data ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProjectionError(`${where}: data must be a map`);
  const data = raw as Record<string, unknown>;
  const envelope = { aggregateId, version, occurredAt };
  switch (type) {
    case 'OrderPlaced': {
      const customerId = text(data, 'customerId', where);
      if (!ID.test(customerId)) throw new ProjectionError(`${where}: customerId must be 1-64 letters, digits, - or _`);
      return { ...envelope, type, data: { customerId } };
    }
    case 'ItemAdded':
      return {
        ...envelope,
        type,
        data: { sku: text(data, 'sku', where), quantity: whole(data, 'quantity', where, 1), unitPriceCents: whole(data, 'unitPriceCents', where, 0) },
      };
    case 'ItemRemoved':
      return { ...envelope, type, data: { sku: text(data, 'sku', where) } };
    case 'OrderPaid':
      return { ...envelope, type, data: {} };
    case 'OrderShipped':
      return { ...envelope, type, data: { trackingNumber: text(data, 'trackingNumber', where) } };
    case 'OrderCancelled':
      return { ...envelope, type, data: { reason: text(data, 'reason', where) } };
    default:
      throw new ProjectionError(`${where}: unknown event type ${JSON.stringify(type)}`);
  }
}

function totals(lines: OrderLine[]): Pick<OrderView, 'itemCount' | 'totalCents'> {
  return {
    itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
    totalCents: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
  };
}

function withStatus(view: OrderView, status: OrderStatus, at: string): OrderView {
  return { ...view, status, statusAt: `${status}#${at}` };
}

/**
 * The next view after one event. Pure: it never mutates `view`, reads no clock and calls nothing.
 * It insists on the very next version, so a duplicate (an old version) or a gap (a later one) is
 * refused here as well as by the write condition. It does not second-guess the business rules:
 * an event in the log is a fact the write side accepted, so shipping a cancelled order is applied.
 */
export function evolve(view: OrderView | undefined, event: OrderEvent): OrderView {
  const expected = (view?.lastVersion ?? 0) + 1;
  if (event.version !== expected) {
    throw new ProjectionError(`${event.aggregateId}: expected version ${expected}, got ${event.version}`);
  }
  if (view === undefined) {
    if (event.type !== 'OrderPlaced') throw new ProjectionError(`${event.aggregateId}: the first event must be OrderPlaced, got ${event.type}`);
    return {
      orderId: event.aggregateId,
      customerId: event.data.customerId,
      status: 'PLACED',
      statusAt: `PLACED#${event.occurredAt}`,
      lines: [],
      itemCount: 0,
      totalCents: 0,
      placedAt: event.occurredAt,
      updatedAt: event.occurredAt,
      lastVersion: event.version,
    };
  }
  if (event.aggregateId !== view.orderId) throw new ProjectionError(`event of ${event.aggregateId} folded into ${view.orderId}`);
  const next: OrderView = { ...view, updatedAt: event.occurredAt, lastVersion: event.version };
  switch (event.type) {
    case 'OrderPlaced':
      throw new ProjectionError(`${event.aggregateId}: OrderPlaced at version ${event.version}, after the order exists`);
    case 'ItemAdded': {
      const { sku, quantity, unitPriceCents } = event.data;
      const existing = view.lines.find((line) => line.sku === sku);
      const line = { sku, quantity: (existing?.quantity ?? 0) + quantity, unitPriceCents };
      // Sorted by SKU so the same events always produce the same item, whatever path wrote it.
      const lines = [...view.lines.filter((l) => l.sku !== sku), line].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
      return withStatus({ ...next, lines, ...totals(lines) }, view.status, event.occurredAt);
    }
    case 'ItemRemoved': {
      const lines = view.lines.filter((line) => line.sku !== event.data.sku);
      return withStatus({ ...next, lines, ...totals(lines) }, view.status, event.occurredAt);
    }
    case 'OrderPaid':
      return withStatus(next, 'PAID', event.occurredAt);
    case 'OrderShipped':
      return withStatus({ ...next, trackingNumber: event.data.trackingNumber }, 'SHIPPED', event.occurredAt);
    case 'OrderCancelled':
      return withStatus({ ...next, cancelReason: event.data.reason }, 'CANCELLED', event.occurredAt);
  }
}

/** The view after a whole history, in version order: what a rebuild from nothing produces. */
export function replay(events: readonly OrderEvent[]): OrderView | undefined {
  return [...events].sort((a, b) => a.version - b.version).reduce<OrderView | undefined>(evolve, undefined);
}
