import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  DETAIL_TYPE,
  EVENT_SOURCE,
  InvalidTransaction,
  MAX_TRANSACTIONS,
  parseTransaction,
  type Transaction,
} from './transaction';

/** The one EventBridge call the producer makes; results come back in request order. */
export type PutEntries = (entries: PutEventsRequestEntry[]) => Promise<PutEventsResultEntry[]>;

export function parseBody(body: string | null): Transaction[] {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    throw new InvalidTransaction('the body must be JSON');
  }
  const list = (value as { transactions?: unknown } | null)?.transactions;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_TRANSACTIONS) {
    throw new InvalidTransaction(`send {"transactions": [...]} with 1 to ${MAX_TRANSACTIONS} items`);
  }
  return list.map(parseTransaction);
}

export function toEntry(transaction: Transaction, eventBusName: string): PutEventsRequestEntry {
  return { EventBusName: eventBusName, Source: EVENT_SOURCE, DetailType: DETAIL_TYPE, Detail: JSON.stringify(transaction) };
}

export interface PublishOutcome {
  /** The event id EventBridge assigned to each entry, or undefined where it still failed. */
  eventIds: (string | undefined)[];
  errors: (string | undefined)[];
}

/**
 * PutEvents can accept some entries of a call and reject others (throttling, internal errors),
 * so the rejected ones are sent once more on their own before anything is reported as failed.
 */
export async function publish(put: PutEntries, entries: PutEventsRequestEntry[]): Promise<PublishOutcome> {
  const eventIds: (string | undefined)[] = entries.map(() => undefined);
  const errors: (string | undefined)[] = entries.map(() => undefined);
  let pending = entries.map((_, index) => index);
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
    const results = await put(pending.map((index) => entries[index]));
    pending = pending.filter((index, position) => {
      const result = results[position];
      if (result?.EventId && !result.ErrorCode) {
        eventIds[index] = result.EventId;
        errors[index] = undefined;
        return false;
      }
      errors[index] = result?.ErrorCode ?? 'NoResult';
      return true;
    });
  }
  return { eventIds, errors };
}

export function createHandler(put: PutEntries, eventBusName: string) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    let transactions: Transaction[];
    try {
      transactions = parseBody(event.body);
    } catch (error) {
      if (error instanceof InvalidTransaction) return json(400, { message: error.message });
      throw error;
    }
    try {
      const { eventIds, errors } = await publish(put, transactions.map((t) => toEntry(t, eventBusName)));
      const accepted = transactions.flatMap((t, i) => (eventIds[i] ? [{ transactionId: t.transactionId, eventId: eventIds[i] }] : []));
      const failed = transactions.flatMap((t, i) => (errors[i] ? [t.transactionId] : []));
      if (failed.length === 0) return json(202, { accepted });
      console.error(JSON.stringify({ level: 'ERROR', message: 'entries rejected twice', failed, errors }));
      // Name both lists so the caller resends only what was not accepted.
      return json(502, { message: 'Some transactions were not accepted; resend only those.', accepted, failed });
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'PutEvents failed', error: String(error) }));
      return json(500, { message: 'The transactions could not be published.' });
    }
  };
}

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

const client = new EventBridgeClient({});
export const handler = createHandler(
  async (entries) => (await client.send(new PutEventsCommand({ Entries: entries }))).Entries ?? [],
  process.env.EVENT_BUS_NAME ?? '',
);
