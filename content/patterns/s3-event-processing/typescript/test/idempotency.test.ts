import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { type RowBatch, createBatchHandler } from '../lambda/batch-processor';
import { REMEMBER_FOR_SECONDS } from '../lambda/idempotency';
import type { Totals } from '../lambda/sales';
import { type ObjectCreatedEvent, createSmallFileHandler } from '../lambda/small-file-processor';
import { inMemoryDynamoDB } from './fake-dynamodb';

process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_LAMBDA_FUNCTION_NAME ??= 'processor';

const context = { getRemainingTimeInMillis: () => 30_000, functionName: 'processor', awsRequestId: 'r' } as unknown as Context;
const CSV = 'orderId,sku,quantity,unitPrice\nord-1,TEA,2,1.25\nord-2,MUG,1,8\nord-3,MUG,lots,8\n';

function objectCreated(sequencer: string, requestId = 'req-1'): ObjectCreatedEvent {
  return {
    'detail-type': 'Object Created',
    source: 'aws.s3',
    detail: { bucket: { name: 'uploads' }, object: { key: 'incoming/sales.csv', size: CSV.length, sequencer, etag: 'e1' }, 'request-id': requestId } as ObjectCreatedEvent['detail'],
  };
}

/** The real Powertools utility and DynamoDB persistence layer, on a DynamoDB that lives in memory. */
function harness() {
  const { client, items } = inMemoryDynamoDB();
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: 'IdempotencyRecords', awsSdkV3Client: client });
  const effects: { uploadId: string; totals: Totals; complete: boolean }[] = [];
  const reads: string[] = [];
  let failNext = false;
  const addTotals = async (uploadId: string, _key: string, totals: Totals, complete: boolean) => {
    if (failNext) {
      failNext = false;
      throw new Error('ProvisionedThroughputExceededException');
    }
    effects.push({ uploadId, totals, complete });
  };
  const readObject = async (bucket: string, key: string) => {
    reads.push(`${bucket}/${key}`);
    return CSV;
  };
  return { persistenceStore, items, effects, reads, addTotals, readObject, failOnce: () => (failNext = true) };
}

describe('small file processor', () => {
  test('adds a redelivered upload event to the totals only once', async () => {
    const h = harness();
    const handler = createSmallFileHandler(h);
    const first = await handler(objectCreated('0001', 'req-1'), context);
    // The same write, delivered again: EventBridge gives it a new event id, the detail's request id may differ.
    const again = await handler(objectCreated('0001', 'req-2'), context);
    assert.deepEqual(h.effects, [{ uploadId: 'uploads/incoming/sales.csv@0001', totals: { rows: 3, rejected: 1, units: 3, revenueCents: 1050 }, complete: true }]);
    assert.deepEqual(h.reads, ['uploads/incoming/sales.csv'], 'the object is read once');
    assert.deepEqual(again, first, 'the duplicate gets the stored result');
    const [record] = [...h.items.values()];
    assert.equal(record.status.S, 'COMPLETED');
    const ttl = Number(record.expiration.N) - Date.now() / 1000;
    assert.ok(Math.abs(ttl - REMEMBER_FOR_SECONDS) < 60, `remembered for a day, got ${ttl}s`);
  });

  test('processes a new upload of the same key again', async () => {
    const h = harness();
    const handler = createSmallFileHandler(h);
    await handler(objectCreated('0001'), context);
    await handler(objectCreated('0002'), context);
    assert.deepEqual(h.effects.map((e) => e.uploadId), ['uploads/incoming/sales.csv@0001', 'uploads/incoming/sales.csv@0002']);
  });

  test('reads an object whose key S3 URL-encoded in the event under its real key', async () => {
    const h = harness();
    const handler = createSmallFileHandler(h);
    const event = objectCreated('0001');
    event.detail.object.key = 'incoming/march+sales%2B1.csv';
    await handler(event, context);
    assert.deepEqual(h.reads, ['uploads/incoming/march sales+1.csv']);
  });

  test('refuses an event without a sequencer and changes nothing', async () => {
    const h = harness();
    const handler = createSmallFileHandler(h);
    const event = objectCreated('0001');
    delete (event.detail.object as { sequencer?: string }).sequencer;
    await assert.rejects(handler(event, context));
    assert.deepEqual(h.effects, []);
    assert.deepEqual(h.reads, []);
  });
});

describe('batch processor', () => {
  const batch = (rows: RowBatch['Items']): RowBatch => ({ BatchInput: { uploadId: 'uploads/incoming/big.csv@0009', objectKey: 'incoming/big.csv' }, Items: rows });
  const rows = [
    { orderId: 'a', sku: 'TEA', quantity: '2', unitPrice: '1.25' },
    { orderId: 'b', sku: 'MUG', quantity: '1', unitPrice: '8' },
  ];

  test('adds a repeated batch to the totals only once', async () => {
    const h = harness();
    const handler = createBatchHandler(h);
    const first = await handler(batch(rows), context);
    const again = await handler(batch(rows), context);
    assert.equal(h.effects.length, 1);
    assert.deepEqual(h.effects[0], { uploadId: 'uploads/incoming/big.csv@0009', totals: { rows: 2, rejected: 0, units: 3, revenueCents: 1050 }, complete: false });
    assert.deepEqual(again, first);
  });

  test('tells different batches of the same upload apart', async () => {
    const h = harness();
    const handler = createBatchHandler(h);
    await handler(batch(rows), context);
    await handler(batch([{ orderId: 'c', sku: 'TEA', quantity: '1', unitPrice: '1' }]), context);
    assert.equal(h.effects.length, 2);
  });

  test('lets a batch that failed be retried, and then counts it once', async () => {
    const h = harness();
    const handler = createBatchHandler(h);
    h.failOnce();
    await assert.rejects(handler(batch(rows), context), /ProvisionedThroughputExceeded/);
    await handler(batch(rows), context);
    await handler(batch(rows), context);
    assert.equal(h.effects.length, 1);
  });
});
