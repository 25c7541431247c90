import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { applyChange, createHandler, toOrderChange, transactionFor } from '../lambda/totals-projector';
import { FakeViewTable } from './fake-view-table';
import { order, profile, streamRecord } from './records';

const batch = (...records: ReturnType<typeof streamRecord>[]) => ({ Records: records }) as DynamoDBStreamEvent;

function projector(view: FakeViewTable) {
  const lines: Record<string, unknown>[] = [];
  const handler = createHandler({ write: view.write, tableName: 'Totals', emit: (l) => lines.push(l), now: () => '2026-12-05T10:00:00.000Z' });
  return { handler, lines };
}

const o1v1 = order('c-1', 'o-1', { status: 'PLACED', totalCents: 4200, version: 1 });
const o1v2 = { ...o1v1, totalCents: 5000, version: 2 };
const o2v1 = order('c-1', 'o-2', { status: 'PLACED', totalCents: 1000, version: 1 });
const o2v2 = { ...o2v1, status: 'CANCELLED', version: 2 };

describe('toOrderChange', () => {
  test('computes the difference an order makes from its old and new images', () => {
    assert.deepEqual(toOrderChange(streamRecord('1', undefined, o1v1))?.delta, { orders: 1, cents: 4200 });
    assert.deepEqual(toOrderChange(streamRecord('2', o1v1, o1v2))?.delta, { orders: 0, cents: 800 });
    assert.deepEqual(toOrderChange(streamRecord('3', o2v1, o2v2))?.delta, { orders: -1, cents: -1000 });
    assert.deepEqual(toOrderChange(streamRecord('4', o1v2, { ...o1v2, status: 'SHIPPED', version: 3 }))?.delta, { orders: 0, cents: 0 });
    assert.deepEqual(toOrderChange(streamRecord('5', o2v2, undefined))?.delta, { orders: 0, cents: 0 });
    const removed = toOrderChange(streamRecord('6', o1v2, undefined));
    assert.deepEqual(removed, { customerId: 'c-1', orderId: 'o-1', fromVersion: 2, toVersion: undefined, delta: { orders: -1, cents: -5000 }, sequenceNumber: '6' });
  });

  test('refuses an order write that does not raise its version', () => {
    assert.throws(() => toOrderChange(streamRecord('7', o1v2, { ...o1v2, totalCents: 1 })), /without raising its version/);
    assert.throws(() => toOrderChange(streamRecord('8', undefined, { ...o1v1, totalCents: 12.5 })), /totalCents/);
    assert.throws(() => toOrderChange(streamRecord('9', undefined, { ...o1v1, version: undefined })), /version/);
  });

  test('ignores records that are not orders', () => {
    assert.equal(toOrderChange(streamRecord('10', undefined, profile('c-1', 'Ana'))), undefined);
  });
});

describe('transactionFor', () => {
  test('moves the marker from the old version to the new one and ADDs the difference', () => {
    const change = toOrderChange(streamRecord('20', o1v1, o1v2))!;
    assert.deepEqual(transactionFor(change, 'Totals', 'now'), {
      TransactItems: [
        {
          Put: {
            TableName: 'Totals',
            Item: { customerId: { S: 'c-1' }, sk: { S: 'ORDER#o-1' }, version: { N: '2' } },
            ConditionExpression: '#version = :from',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':from': { N: '1' } },
          },
        },
        {
          Update: {
            TableName: 'Totals',
            Key: { customerId: { S: 'c-1' }, sk: { S: 'TOTALS' } },
            UpdateExpression: 'ADD orderCount :orders, totalCents :cents SET updatedAt = :now',
            ExpressionAttributeValues: { ':orders': { N: '0' }, ':cents': { N: '800' }, ':now': { S: 'now' } },
          },
        },
      ],
    });
    // A change that moves no money writes only the marker.
    const shipped = toOrderChange(streamRecord('21', o1v2, { ...o1v2, status: 'SHIPPED', version: 3 }))!;
    assert.equal(transactionFor(shipped, 'Totals', 'now').TransactItems?.length, 1);
  });
});

describe('totals projector handler', () => {
  test('keeps per-customer totals through inserts, changes and deletes', async () => {
    const view = new FakeViewTable();
    const { handler } = projector(view);
    await handler(batch(streamRecord('1', undefined, o1v1), streamRecord('2', undefined, o2v1)));
    assert.deepEqual(view.totals('c-1'), { orderCount: 2, totalCents: 5200 });
    await handler(batch(streamRecord('3', o1v1, o1v2), streamRecord('4', o2v1, o2v2)));
    assert.deepEqual(view.totals('c-1'), { orderCount: 1, totalCents: 5000 });
    assert.deepEqual(view.markers('c-1'), { 'ORDER#o-1': 2, 'ORDER#o-2': 2 });
    const result = await handler(batch(streamRecord('5', o1v2, undefined), streamRecord('6', o2v2, undefined)));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(view.totals('c-1'), { orderCount: 0, totalCents: 0 });
    assert.deepEqual(view.markers('c-1'), {});
  });

  test('applies a redelivered batch only once', async () => {
    const view = new FakeViewTable();
    const { handler, lines } = projector(view);
    const records = batch(streamRecord('1', undefined, o1v1), streamRecord('2', o1v1, o1v2), streamRecord('3', undefined, o2v1));
    await handler(records);
    const once = view.totals('c-1');
    assert.deepEqual(once, { orderCount: 2, totalCents: 6000 });
    assert.deepEqual(await handler(records), { batchItemFailures: [] });
    assert.deepEqual(view.totals('c-1'), once);
    assert.deepEqual(lines.slice(3).map((l) => l.outcome), ['duplicate', 'duplicate', 'duplicate']);
    // A re-created order starts a new chain and counts again.
    await handler(batch(streamRecord('4', o1v2, undefined), streamRecord('5', undefined, o1v1)));
    assert.deepEqual(view.totals('c-1'), { orderCount: 2, totalCents: 5200 });
    // A change of an order the view never saw created is skipped the same way: it needs a backfill.
    const older = order('c-1', 'o-9', { status: 'PLACED', totalCents: 700, version: 4 });
    await handler(batch(streamRecord('6', older, { ...older, version: 5 })));
    assert.deepEqual(view.totals('c-1'), { orderCount: 2, totalCents: 5200 });
    assert.equal(lines.at(-1)?.outcome, 'duplicate');
  });

  test('reports the first failing record and picks up from it on the retry', async () => {
    const view = new FakeViewTable();
    const { handler } = projector(view);
    view.failOnCall = { call: 2, error: Object.assign(new Error('slow down'), { name: 'ThrottlingException' }) };
    const records = batch(streamRecord('1', undefined, o1v1), streamRecord('2', undefined, o2v1), streamRecord('3', o1v1, o1v2));
    assert.deepEqual(await handler(records), { batchItemFailures: [{ itemIdentifier: '2' }] });
    // Nothing after the failed record was touched.
    assert.deepEqual(view.totals('c-1'), { orderCount: 1, totalCents: 4200 });
    // Lambda may send the whole batch again (bisect, or a retry of the invocation).
    assert.deepEqual(await handler(records), { batchItemFailures: [] });
    assert.deepEqual(view.totals('c-1'), { orderCount: 2, totalCents: 6000 });
  });

  test('reports an order that breaks the version contract instead of counting it', async () => {
    const view = new FakeViewTable();
    const { handler, lines } = projector(view);
    const result = await handler(
      batch(streamRecord('1', undefined, o1v1), streamRecord('2', o1v1, { ...o1v1, totalCents: 9900 }), streamRecord('3', undefined, o2v1)),
    );
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '2' }] });
    assert.deepEqual(view.totals('c-1'), { orderCount: 1, totalCents: 4200 });
    assert.ok(lines.some((l) => l.level === 'ERROR' && l.sequenceNumber === '2'));
  });

  test('skips a record that is not an order without writing', async () => {
    const view = new FakeViewTable();
    const { handler, lines } = projector(view);
    assert.deepEqual(await handler(batch(streamRecord('1', undefined, profile('c-1', 'Ana')))), { batchItemFailures: [] });
    assert.equal(view.calls, 0);
    assert.equal(lines[0]?.level, 'WARN');
  });
});

describe('applyChange', () => {
  test('treats only a failed condition as a duplicate and lets other refusals be retried', async () => {
    const change = toOrderChange(streamRecord('1', undefined, o1v1))!;
    const refuse = (codes: string[]) => async () => {
      throw Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
    };
    assert.equal(await applyChange(refuse(['ConditionalCheckFailed', 'None']), 'Totals', change, 'now'), 'duplicate');
    await assert.rejects(applyChange(refuse(['None', 'TransactionConflict']), 'Totals', change, 'now'), /cancelled/);
    await assert.rejects(
      applyChange(async () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })), 'Totals', change, 'now'),
      /throttled/,
    );
  });
});
