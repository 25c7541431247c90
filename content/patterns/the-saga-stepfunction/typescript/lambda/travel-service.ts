import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

/** The four bookings of a trip, in the order the saga makes them. */
export const STEPS = ['hotel', 'flight', 'car', 'payment'] as const;
export type Step = (typeof STEPS)[number];

/** What the state machine passes to every step: the request plus the execution name as trip id. */
export interface Trip {
  tripId: string;
  traveller: string;
  destination: string;
  nights: number;
  /** Test hook: the named step's provider refuses, so the compensation path runs. */
  failAt?: Step;
}

export type ServiceEvent =
  | { action: 'reserve'; trip: Trip; amountCents?: number }
  | { action: 'cancel'; trip: Trip };

export interface Reservation {
  step: Step;
  status: string;
  reference: string;
  priceCents: number;
}

export interface Cancellation {
  step: Step;
  status: string;
}

/** A provider said no. Not retried: the saga compensates instead. */
export class ProviderRefused extends Error {
  override name = 'ProviderRefused';
}

/** A late, retried reservation arrived after the saga had already undone it. */
export class AlreadyUndone extends Error {
  override name = 'AlreadyUndone';
}

export interface BookingRecord {
  tripId: string;
  step: string;
  status: string;
  reference: string;
  priceCents: number;
  updatedAt: string;
}

/** The two writes a service makes; the DynamoDB version is below, tests use a map. */
export interface BookingStore {
  /** Writes the booking if there is no item yet or it is already booked (a retry); false if it was undone. */
  reserve(record: BookingRecord): Promise<boolean>;
  /**
   * Puts the item in the undone state, leaving a marker without a reference when there was nothing,
   * so a reservation arriving later is refused. True if a real booking was undone.
   */
  undo(tripId: string, step: string, undoneStatus: string, updatedAt: string): Promise<boolean>;
}

export interface ServiceConfig {
  step: Step;
  /** Three letters in front of the provider's reference, e.g. HTL-1A2B3C. */
  prefix: string;
  doneStatus: string;
  undoneStatus: string;
  priceCents(event: Extract<ServiceEvent, { action: 'reserve' }>): number;
}

/** Derived, not random, so a retried reservation writes the same reference again. */
export function referenceFor(prefix: string, tripId: string): string {
  return `${prefix}-${createHash('sha256').update(`${prefix}:${tripId}`).digest('hex').slice(0, 6).toUpperCase()}`;
}

export function createServiceHandler(config: ServiceConfig, store: BookingStore, now: () => Date = () => new Date()) {
  const sortKey = config.step.toUpperCase();
  return async (event: ServiceEvent): Promise<Reservation | Cancellation> => {
    const { tripId } = event.trip ?? {};
    if (typeof tripId !== 'string' || tripId === '') throw new TypeError('event.trip.tripId is required');
    const log = (message: string, extra: object = {}) =>
      console.log(JSON.stringify({ level: 'INFO', message, step: config.step, action: event.action, tripId, ...extra }));

    if (event.action === 'cancel') {
      const undone = await store.undo(tripId, sortKey, config.undoneStatus, now().toISOString());
      log(undone ? 'booking undone' : 'nothing to undo');
      // Undoing something that never happened is a success: compensations must be safe to repeat.
      return { step: config.step, status: undone ? config.undoneStatus : 'NOTHING_TO_UNDO' };
    }
    if (event.action !== 'reserve') throw new TypeError(`unknown action ${JSON.stringify((event as { action?: unknown }).action)}`);

    if (event.trip.failAt === config.step) {
      log('provider refused on request', { failAt: event.trip.failAt });
      throw new ProviderRefused(`The ${config.step} provider refused trip ${tripId} (failAt=${config.step}).`);
    }
    const priceCents = config.priceCents(event);
    const reference = referenceFor(config.prefix, tripId);
    const written = await store.reserve({ tripId, step: sortKey, status: config.doneStatus, reference, priceCents, updatedAt: now().toISOString() });
    if (!written) throw new AlreadyUndone(`The ${config.step} booking for trip ${tripId} was already undone.`);
    log('booked', { reference, priceCents });
    return { step: config.step, status: config.doneStatus, reference, priceCents };
  };
}

export function dynamoBookingStore(client: DynamoDBClient, tableName: string): BookingStore {
  return {
    async reserve(record) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              tripId: { S: record.tripId },
              step: { S: record.step },
              status: { S: record.status },
              reference: { S: record.reference },
              priceCents: { N: String(record.priceCents) },
              updatedAt: { S: record.updatedAt },
            },
            // A first write, or a retry of the same booking. An undone booking, or the marker an undo
            // leaves when it ran before this reservation, makes the write fail.
            ConditionExpression: 'attribute_not_exists(tripId) OR #status = :done',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':done': { S: record.status } },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async undo(tripId, step, undoneStatus, updatedAt) {
      // No condition: when the booking is not there (refused, or still in flight after a timeout)
      // the update creates a marker item, which the reservation's condition will not overwrite.
      const result = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { tripId: { S: tripId }, step: { S: step } },
          UpdateExpression: 'SET #status = :undone, updatedAt = :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':undone': { S: undoneStatus }, ':now': { S: updatedAt } },
          ReturnValues: 'ALL_OLD',
        }),
      );
      // Only an item with a reference was a real booking; a marker from an earlier undo is not.
      return result?.Attributes?.reference !== undefined;
    },
  };
}
