import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createHandler } from '../lambda/outbox-relay';

const BUS = 'OrderBus-test';

/** An outbox INSERT record as the stream delivers it, numbered by sequence. */
function insert(n: number, overrides: Record<string, unknown> = {}): DynamoDBRecord {
  const eventId = `evt-${n}`;
  const item = {
    eventId,
    aggregateId: `o-${n}`,
    version: 1,
    source: 'outbox.orders',
    eventType: 'OrderPlaced',
    detail: JSON.stringify({ eventId, orderId: `o-${n}`, version: 1 }),
    occurredAt: '2026-12-05T10:00:00.000Z',
    expiresAt: 1_765_533_600,
    ...overrides,
  };
  return {
    eventName: 'INSERT',
    dynamodb: { Keys: marshall({ eventId }), NewImage: marshall(item, { removeUndefinedValues: true }), SequenceNumber: String(1000 + n) },
  } as DynamoDBRecord;
}

const batch = (records: DynamoDBRecord[]) => ({ Records: records }) as DynamoDBStreamEvent;
const range = (count: number) => Array.from({ length: count }, (_, i) => insert(i));

type Answer = { FailedEntryCount: number; Entries: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] } | Error;

/** An EventBridge client stand-in: records each PutEvents call and answers it as told (all accepted by default). */
function stubEvents(answer: (entries: PutEventsRequestEntry[], call: number) => Answer | undefined = () => undefined) {
  const calls: PutEventsRequestEntry[][] = [];
  return {
    calls,
    client: {
      async send(command: PutEventsCommand) {
        assert.ok(command instanceof PutEventsCommand);
        const entries = command.input.Entries!;
        calls.push(entries);
        const result = answer(entries, calls.length - 1) ?? { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `eb-${i}` })) };
        if (result instanceof Error) throw result;
        return result;
      },
    },
  };
}

describe('outbox relay', () => {
  test('publishes each outbox item as it was stored, with the outbox id as the event id', async () => {
    const stub = stubEvents();
    const result = await createHandler({ client: stub.client, busName: BUS })(batch([insert(7)]));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(stub.calls, [
      [
        {
          EventBusName: BUS,
          Source: 'outbox.orders',
          DetailType: 'OrderPlaced',
          Detail: JSON.stringify({ eventId: 'evt-7', orderId: 'o-7', version: 1 }),
          Time: new Date('2026-12-05T10:00:00.000Z'),
        },
      ],
    ]);
    assert.equal(JSON.parse(stub.calls[0]![0]!.Detail!).eventId, 'evt-7');
  });

  test('puts a batch on the bus in stream order, at most ten entries per call', async () => {
    const stub = stubEvents();
    const result = await createHandler({ client: stub.client, busName: BUS })(batch(range(23)));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(stub.calls.map((c) => c.length), [10, 10, 3]);
    const ids = stub.calls.flat().map((e) => JSON.parse(e.Detail!).eventId);
    assert.deepEqual(ids, range(23).map((_, i) => `evt-${i}`));
  });

  test('reports the first entry PutEvents rejected as a batch item failure and publishes nothing after it', async () => {
    const lines: Record<string, unknown>[] = [];
    // The second call (records 10-19) has records 13 and 16 refused.
    const stub = stubEvents((entries, call) =>
      call === 1
        ? {
            FailedEntryCount: 2,
            Entries: entries.map((_, i) => (i === 3 || i === 6 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: `eb-${i}` })),
          }
        : undefined,
    );
    const result = await createHandler({ client: stub.client, busName: BUS, log: (l) => lines.push(l) })(batch(range(25)));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '1013' }] });
    // Records 20-24 are left for the retry, which starts at record 13.
    assert.equal(stub.calls.length, 2);
    assert.ok(lines.some((l) => l.message === 'PutEvents rejected entries' && l.failedEntryCount === 2));
  });

  test('reports the first record of the chunk when the PutEvents call itself fails', async () => {
    const stub = stubEvents((_entries, call) => (call === 0 ? new Error('connect ETIMEDOUT') : undefined));
    const result = await createHandler({ client: stub.client, busName: BUS })(batch(range(12)));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '1000' }] });
    assert.equal(stub.calls.length, 1);
  });

  test('publishes the records before an unreadable one, then reports the unreadable one', async () => {
    const stub = stubEvents();
    const records = [insert(0), insert(1), insert(2, { detail: undefined }), insert(3)];
    const result = await createHandler({ client: stub.client, busName: BUS })(batch(records));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '1002' }] });
    assert.deepEqual(stub.calls.flat().map((e) => JSON.parse(e.Detail!).eventId), ['evt-0', 'evt-1']);
  });

  test('does nothing for an empty batch', async () => {
    const stub = stubEvents();
    assert.deepEqual(await createHandler({ client: stub.client, busName: BUS })(batch([])), { batchItemFailures: [] });
    assert.equal(stub.calls.length, 0);
  });
});
