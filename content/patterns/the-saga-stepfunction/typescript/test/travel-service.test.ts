import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CAR_DAY_CENTS, car, FLIGHT_CENTS, flight, HOTEL_NIGHT_CENTS, hotel, payment } from '../lambda/services';
import {
  type BookingRecord,
  type BookingStore,
  createServiceHandler,
  dynamoBookingStore,
  referenceFor,
  type Reservation,
  type Trip,
} from '../lambda/travel-service';

process.env.AWS_REGION ??= 'us-east-1';
const NOW = () => new Date('2026-11-22T10:00:00.000Z');
const trip: Trip = { tripId: 'trip-1', traveller: "Aoife O'Brien", destination: 'Lisbon', nights: 3 };

/** Behaves like dynamoBookingStore, conditions included, without AWS. */
function memoryStore() {
  const items = new Map<string, BookingRecord | { tripId: string; step: string; status: string; updatedAt: string }>();
  const store: BookingStore = {
    async reserve(record) {
      const key = `${record.tripId}/${record.step}`;
      // attribute_not_exists(tripId) OR #status = :done
      const existing = items.get(key);
      if (existing && existing.status !== record.status) return false;
      items.set(key, record);
      return true;
    },
    async undo(tripId, step, undoneStatus, updatedAt) {
      // SET #status = :undone (creating the item when missing), ReturnValues ALL_OLD
      const key = `${tripId}/${step}`;
      const existing = items.get(key);
      items.set(key, { ...(existing ?? { tripId, step }), status: undoneStatus, updatedAt });
      return existing !== undefined && 'reference' in existing;
    },
  };
  const statusOf = (step: string) => items.get(`trip-1/${step}`)?.status;
  return { store, items, statusOf };
}

function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = () => {};
  return fn().finally(() => {
    console.log = original;
  });
}

describe('travel service handlers', () => {
  test('book a hotel priced per night, with a reference derived from the trip id', async () => {
    const { store, items } = memoryStore();
    const result = await quietly(() => createServiceHandler(hotel, store, NOW)({ action: 'reserve', trip }));
    assert.deepEqual(result, { step: 'hotel', status: 'BOOKED', reference: referenceFor('HTL', 'trip-1'), priceCents: 3 * HOTEL_NIGHT_CENTS });
    assert.deepEqual(items.get('trip-1/HOTEL'), {
      tripId: 'trip-1',
      step: 'HOTEL',
      status: 'BOOKED',
      reference: referenceFor('HTL', 'trip-1'),
      priceCents: 36_000,
      updatedAt: '2026-11-22T10:00:00.000Z',
    });
    assert.match(referenceFor('HTL', 'trip-1'), /^HTL-[0-9A-F]{6}$/);
    assert.notEqual(referenceFor('HTL', 'trip-1'), referenceFor('HTL', 'trip-2'));
  });

  test('price the flight flat and the car per day including the return day', async () => {
    const { store } = memoryStore();
    const flown = (await quietly(() => createServiceHandler(flight, store, NOW)({ action: 'reserve', trip }))) as Reservation;
    const driven = (await quietly(() => createServiceHandler(car, store, NOW)({ action: 'reserve', trip }))) as Reservation;
    assert.equal(flown.priceCents, FLIGHT_CENTS);
    assert.equal(driven.priceCents, 4 * CAR_DAY_CENTS);
  });

  test('refuse with a ProviderRefused error, writing nothing, when failAt names this step', async () => {
    const { store, items } = memoryStore();
    const handler = createServiceHandler(flight, store, NOW);
    await assert.rejects(
      quietly(() => handler({ action: 'reserve', trip: { ...trip, failAt: 'flight' } })),
      (error: Error) => error.name === 'ProviderRefused' && /flight provider refused trip trip-1/.test(error.message),
    );
    assert.equal(items.size, 0);
    // Another step's failAt does not concern this provider.
    await quietly(() => handler({ action: 'reserve', trip: { ...trip, failAt: 'car' } }));
    assert.equal(items.size, 1);
  });

  test('charge exactly the amount the workflow summed, and insist on one', async () => {
    const { store, statusOf } = memoryStore();
    const handler = createServiceHandler(payment, store, NOW);
    const charged = (await quietly(() => handler({ action: 'reserve', trip, amountCents: 79_500 }))) as Reservation;
    assert.equal(charged.priceCents, 79_500);
    assert.equal(statusOf('PAYMENT'), 'CHARGED');
    for (const amountCents of [undefined, 0, -5, 12.5]) {
      await assert.rejects(quietly(() => handler({ action: 'reserve', trip, amountCents })), /positive whole amountCents/);
    }
  });

  test('reject events without a trip id or with an unknown action', async () => {
    const { store } = memoryStore();
    const handler = createServiceHandler(hotel, store, NOW);
    await assert.rejects(handler({ action: 'reserve', trip: { ...trip, tripId: '' } }), /tripId is required/);
    await assert.rejects(quietly(() => handler({ action: 'rebook', trip } as never)), /unknown action "rebook"/);
  });
});

describe('compensation', () => {
  test('undo finished bookings in reverse order, treat missing ones as done, and refuse a late re-booking', async () => {
    const { store, items, statusOf } = memoryStore();
    const failing = { ...trip, failAt: 'car' as const };
    const run = (config: typeof hotel, action: 'reserve' | 'cancel') =>
      quietly(() => createServiceHandler(config, store, NOW)({ action, trip: failing }));

    await run(hotel, 'reserve');
    await run(flight, 'reserve');
    await assert.rejects(run(car, 'reserve'), { name: 'ProviderRefused' });

    // The saga's compensation path from the car step: car, flight, hotel.
    assert.deepEqual(await run(car, 'cancel'), { step: 'car', status: 'NOTHING_TO_UNDO' });
    assert.deepEqual(await run(flight, 'cancel'), { step: 'flight', status: 'CANCELLED' });
    assert.deepEqual(await run(hotel, 'cancel'), { step: 'hotel', status: 'CANCELLED' });
    // The refused car leaves only a marker: cancelled, no reference, no price.
    assert.deepEqual([statusOf('HOTEL'), statusOf('FLIGHT'), statusOf('CAR')], ['CANCELLED', 'CANCELLED', 'CANCELLED']);
    assert.equal('reference' in items.get('trip-1/CAR')!, false);

    // Running a compensation twice changes nothing.
    assert.deepEqual(await run(hotel, 'cancel'), { step: 'hotel', status: 'CANCELLED' });
    // A slow, retried reservation must not bring the undone hotel back.
    await assert.rejects(run(hotel, 'reserve'), { name: 'AlreadyUndone' });
    assert.equal(statusOf('HOTEL'), 'CANCELLED');
  });

  test('refuse a reservation that arrives after its undo ran on a booking that was never written', async () => {
    const { store, items, statusOf } = memoryStore();
    // The reservation timed out in the workflow but is still running; the saga undoes it first.
    assert.deepEqual(await quietly(() => createServiceHandler(car, store, NOW)({ action: 'cancel', trip })), { step: 'car', status: 'NOTHING_TO_UNDO' });
    await assert.rejects(quietly(() => createServiceHandler(car, store, NOW)({ action: 'reserve', trip })), { name: 'AlreadyUndone' });
    assert.equal(statusOf('CAR'), 'CANCELLED');
    assert.equal('reference' in items.get('trip-1/CAR')!, false);
    // The same holds for a late charge: the refund marker stops it.
    await quietly(() => createServiceHandler(payment, store, NOW)({ action: 'cancel', trip }));
    await assert.rejects(quietly(() => createServiceHandler(payment, store, NOW)({ action: 'reserve', trip, amountCents: 100 })), { name: 'AlreadyUndone' });
    assert.equal(statusOf('PAYMENT'), 'REFUNDED');
  });

  test('leave every booking undone once its undo has run, whatever order retries and late calls arrive in', async () => {
    // Two copies of the reservation (the original, still running, and a retry) and one undo, in every order.
    const orders = [
      ['reserve', 'reserve', 'cancel'],
      ['reserve', 'cancel', 'reserve'],
      ['cancel', 'reserve', 'reserve'],
    ] as const;
    for (const order of orders) {
      const { store, statusOf } = memoryStore();
      const handler = createServiceHandler(hotel, store, NOW);
      let cancelled = false;
      for (const action of order) {
        await quietly(() => handler({ action, trip })).catch((error: Error) => assert.equal(error.name, 'AlreadyUndone'));
        if (action === 'cancel') cancelled = true;
        if (cancelled) assert.equal(statusOf('HOTEL'), 'CANCELLED', `after ${order.join(', ')}`);
      }
    }
  });

  test('refund a payment as REFUNDED', async () => {
    const { store } = memoryStore();
    const handler = createServiceHandler(payment, store, NOW);
    await quietly(() => handler({ action: 'reserve', trip, amountCents: 100 }));
    assert.deepEqual(await quietly(() => handler({ action: 'cancel', trip })), { step: 'payment', status: 'REFUNDED' });
  });
});

describe('dynamoBookingStore', () => {
  function fakeClient(outcome: () => unknown) {
    const sent: any[] = [];
    const client = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return outcome();
      },
    } as unknown as DynamoDBClient;
    return { client, sent };
  }
  const conditionFailed = () => {
    throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  };
  const record: BookingRecord = { tripId: 't', step: 'HOTEL', status: 'BOOKED', reference: 'HTL-1', priceCents: 5, updatedAt: 'now' };

  test('reserves with a PutItem that only creates the item or repeats the same booking', async () => {
    const { client, sent } = fakeClient(() => ({}));
    assert.equal(await dynamoBookingStore(client, 'Bookings').reserve(record), true);
    assert.equal(sent[0].TableName, 'Bookings');
    assert.deepEqual(sent[0].Item.priceCents, { N: '5' });
    assert.equal(sent[0].ConditionExpression, 'attribute_not_exists(tripId) OR #status = :done');
    assert.deepEqual(sent[0].ExpressionAttributeNames, { '#status': 'status' });
    assert.deepEqual(sent[0].ExpressionAttributeValues, { ':done': { S: 'BOOKED' } });
  });

  test('undoes with an unconditional UpdateItem that leaves a marker where nothing was booked', async () => {
    const { client, sent } = fakeClient(() => ({}));
    // Nothing there before: the update created the marker, and nothing was undone.
    assert.equal(await dynamoBookingStore(client, 'Bookings').undo('t', 'CAR', 'CANCELLED', 'now'), false);
    assert.deepEqual(sent[0].Key, { tripId: { S: 't' }, step: { S: 'CAR' } });
    assert.equal(sent[0].ConditionExpression, undefined);
    assert.equal(sent[0].UpdateExpression, 'SET #status = :undone, updatedAt = :now');
    assert.equal(sent[0].ReturnValues, 'ALL_OLD');
    const booked = fakeClient(() => ({ Attributes: { status: { S: 'BOOKED' }, reference: { S: 'CAR-1' } } })).client;
    assert.equal(await dynamoBookingStore(booked, 'Bookings').undo('t', 'CAR', 'CANCELLED', 'now'), true);
    const marker = fakeClient(() => ({ Attributes: { status: { S: 'CANCELLED' } } })).client;
    assert.equal(await dynamoBookingStore(marker, 'Bookings').undo('t', 'CAR', 'CANCELLED', 'now'), false);
  });

  test('turns a failed condition into false and lets any other error through', async () => {
    const refused = dynamoBookingStore(fakeClient(conditionFailed).client, 'Bookings');
    assert.equal(await refused.reserve(record), false);
    const broken = dynamoBookingStore(fakeClient(() => { throw new Error('throttled'); }).client, 'Bookings');
    await assert.rejects(broken.reserve(record), /throttled/);
    await assert.rejects(broken.undo('t', 'CAR', 'CANCELLED', 'now'), /throttled/);
  });
});
