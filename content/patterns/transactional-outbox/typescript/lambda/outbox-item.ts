/**
 * The shape of one outbox item, shared by the writer that creates it and the relay that
 * publishes it. The event travels as a finished JSON string, so the relay never rebuilds it.
 */
export type OutboxItem = {
  /** Unique per event; the relay publishes it as detail.eventId so consumers can deduplicate. */
  eventId: string;
  /** The order the event is about. */
  aggregateId: string;
  /** The order's version after this change, so consumers can put events of one order in order. */
  version: number;
  source: string;
  eventType: string;
  /** The EventBridge detail, already serialised. */
  detail: string;
  /** ISO-8601 time of the change; becomes the event's time. */
  occurredAt: string;
  /** Epoch seconds after which DynamoDB TTL removes the item. */
  expiresAt: number;
};

/** The `source` of every event this service publishes. */
export const EVENT_SOURCE = 'outbox.orders';

/** How long a published outbox item stays in the table, as a record to re-publish from. */
export const OUTBOX_RETENTION_DAYS = 7;
