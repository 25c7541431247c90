import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { createHandler, orderItem } from '../lambda/loader';
import type { RowTransformedDetail } from '../lambda/pipeline-events';

process.env.AWS_REGION ??= 'us-east-1';

const detail: RowTransformedDetail = {
  bucket: 'landing',
  key: 'in/orders.csv',
  row: 2,
  order: { orderId: 'A-1001', customer: 'Ada Lovelace', amountCents: 1250, currency: 'EUR', orderDate: '2026-11-02' },
};

describe('orderItem', () => {
  test('keys the item by order id and records where the row came from', () => {
    assert.deepEqual(orderItem(detail, '2026-11-22T10:00:00.000Z'), {
      orderId: { S: 'A-1001' },
      customer: { S: 'Ada Lovelace' },
      amountCents: { N: '1250' },
      currency: { S: 'EUR' },
      orderDate: { S: '2026-11-02' },
      sourceFile: { S: 's3://landing/in/orders.csv' },
      sourceRow: { N: '2' },
      loadedAt: { S: '2026-11-22T10:00:00.000Z' },
    });
  });
});

describe('loader handler', () => {
  test('writes the same item when the same row is delivered twice', async () => {
    const items: Record<string, AttributeValue>[] = [];
    const handler = createHandler(
      async (item) => {
        items.push(item);
      },
      () => new Date('2026-11-22T10:00:00Z'),
    );
    const event = { detail } as EventBridgeEvent<'RowTransformed', RowTransformedDetail>;
    await handler(event);
    await handler(event);
    assert.equal(items.length, 2);
    assert.deepEqual(items[0], items[1]);
    assert.deepEqual(items[0]?.orderId, { S: 'A-1001' });
  });

  test('lets a DynamoDB failure surface so Lambda retries and finally parks the event', async () => {
    const handler = createHandler(async () => {
      throw new Error('ProvisionedThroughputExceededException');
    });
    await assert.rejects(handler({ detail } as EventBridgeEvent<'RowTransformed', RowTransformedDetail>), /Provisioned/);
  });
});
