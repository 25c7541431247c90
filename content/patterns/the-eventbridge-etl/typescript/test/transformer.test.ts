import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import type { RowExtractedDetail } from '../lambda/pipeline-events';
import { createHandler, isIsoDate, parseAmountCents, transformRow } from '../lambda/transformer';

process.env.AWS_REGION ??= 'us-east-1';

const goodRow = { order_id: 'A-1001', customer: '  Ada   Lovelace ', amount: '12.5', currency: 'eur', order_date: '2026-11-02' };

function extracted(fields: Record<string, string>): EventBridgeEvent<'RowExtracted', RowExtractedDetail> {
  return { detail: { bucket: 'landing', key: 'orders.csv', row: 4, fields } } as EventBridgeEvent<'RowExtracted', RowExtractedDetail>;
}

describe('parseAmountCents', () => {
  test('turns decimal strings into whole cents', () => {
    assert.equal(parseAmountCents('12'), 1200);
    assert.equal(parseAmountCents('12.5'), 1250);
    assert.equal(parseAmountCents(' 0.07 '), 7);
    assert.equal(parseAmountCents('19.99'), 1999);
  });

  test('refuses negative, badly formatted or over-precise amounts', () => {
    for (const bad of ['-1', '1.999', '1,000.00', 'abc', '', undefined]) assert.equal(parseAmountCents(bad), undefined, String(bad));
  });
});

describe('isIsoDate', () => {
  test('accepts real dates and rejects impossible or differently written ones', () => {
    assert.equal(isIsoDate('2024-02-29'), true);
    assert.equal(isIsoDate('2026-02-29'), false);
    assert.equal(isIsoDate('2026-13-01'), false);
    assert.equal(isIsoDate('02/11/2026'), false);
  });
});

describe('transformRow', () => {
  test('normalises a valid row into a typed order', () => {
    assert.deepEqual(transformRow(goodRow), {
      ok: true,
      order: { orderId: 'A-1001', customer: 'Ada Lovelace', amountCents: 1250, currency: 'EUR', orderDate: '2026-11-02' },
    });
  });

  test('lists every problem of an invalid row', () => {
    const result = transformRow({ order_id: 'bad id!', customer: '', amount: '-3', currency: 'euro', order_date: '2026-02-30' });
    assert.equal(result.ok, false);
    assert.equal(result.ok ? 0 : result.errors.length, 5);
  });
});

describe('transformer handler', () => {
  test('publishes a valid row as RowTransformed with its origin', async () => {
    const published: PutEventsRequestEntry[] = [];
    const handler = createHandler(async (e) => {
      published.push(e);
    }, 'etl-bus');
    await handler(extracted(goodRow));
    assert.equal(published.length, 1);
    assert.equal(published[0]?.EventBusName, 'etl-bus');
    assert.equal(published[0]?.Source, 'etl.transform');
    assert.equal(published[0]?.DetailType, 'RowTransformed');
    const detail = JSON.parse(String(published[0]?.Detail));
    assert.equal(detail.key, 'orders.csv');
    assert.equal(detail.row, 4);
    assert.equal(detail.order.amountCents, 1250);
  });

  test('publishes an invalid row as RowRejected, which the load rule does not match', async () => {
    const published: PutEventsRequestEntry[] = [];
    const handler = createHandler(async (e) => {
      published.push(e);
    }, 'etl-bus');
    await handler(extracted({ ...goodRow, amount: 'twelve' }));
    assert.equal(published[0]?.DetailType, 'RowRejected');
    assert.deepEqual(JSON.parse(String(published[0]?.Detail)).errors, ['amount must be a non-negative number with at most two decimals']);
  });

  test('lets a publishing failure surface so Lambda retries the row', async () => {
    const handler = createHandler(async () => {
      throw new Error('ThrottlingException');
    }, 'etl-bus');
    await assert.rejects(handler(extracted(goodRow)), /ThrottlingException/);
  });
});
