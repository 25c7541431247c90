import type { EventBridgeEvent } from 'aws-lambda';
import { DETAIL_TYPE, EVENT_SOURCE, InvalidTransaction, parseTransaction } from './transaction';

/**
 * One handler file serves all four consumers; each runs as its own function with its
 * own rule, and CONSUMER_KIND says which job it stands in for.
 */
export const DUTIES = {
  approved: 'post to the ledger',
  'new-york': 'add to the New York branch report',
  declined: 'notify the cardholder',
  'large-withdrawal': 'queue for fraud review',
} as const;

export type ConsumerKind = keyof typeof DUTIES;

export function isConsumerKind(value: string | undefined): value is ConsumerKind {
  return value !== undefined && Object.hasOwn(DUTIES, value);
}

/** What a consumer records for one event; throws when the event is not a valid ATM transaction. */
export function summarise(kind: ConsumerKind, event: EventBridgeEvent<string, unknown>) {
  // The rules already match on these; checking again catches events put on the bus by hand.
  if (event.source !== EVENT_SOURCE || event['detail-type'] !== DETAIL_TYPE) {
    throw new InvalidTransaction(`unexpected event ${event.source} / ${event['detail-type']}`);
  }
  const transaction = parseTransaction(event.detail);
  return { level: 'INFO', message: DUTIES[kind], consumer: kind, eventId: event.id, ...transaction };
}

export function createHandler(kind: ConsumerKind, record: (line: object) => void) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
    // A throw makes Lambda retry the event, then hand it to the on-failure destination.
    record(summarise(kind, event));
  };
}

const kind = process.env.CONSUMER_KIND;
export const handler = isConsumerKind(kind)
  ? createHandler(kind, (line) => console.log(JSON.stringify(line)))
  : async () => {
      throw new Error(`CONSUMER_KIND must be one of ${Object.keys(DUTIES).join(', ')}`);
    };
