import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import type { ServiceCallFailedDetail } from '../lambda/breaker-events';
import { createHandler, failureItem } from '../lambda/failure-recorder';

process.env.AWS_REGION ??= 'us-east-1';

const detail: ServiceCallFailedDetail = {
  service: 'unreliable-service',
  failedAt: '2026-11-22T10:00:00.250Z',
  reason: 'status',
  statusCode: 503,
  durationMs: 41,
  message: 'HTTP 503',
  requestId: 'req-1',
};

describe('failureItem', () => {
  test('sorts failures by time within a service and expires them after the window', () => {
    assert.deepEqual(failureItem('evt-1', detail, 60_000), {
      service: { S: 'unreliable-service' },
      failedAt: { S: '2026-11-22T10:00:00.250Z#evt-1' },
      // 60 s after the failure, rounded up to a whole second as TTL requires.
      expiresAt: { N: String(Date.parse('2026-11-22T10:01:01.000Z') / 1000) },
      reason: { S: 'status' },
      durationMs: { N: '41' },
      message: { S: 'HTTP 503' },
      requestId: { S: 'req-1' },
      statusCode: { N: '503' },
    });
  });

  test('leaves out the status code of a timeout and trims long messages', () => {
    const item = failureItem('evt-2', { ...detail, reason: 'timeout', statusCode: undefined, message: 'x'.repeat(2000) }, 60_000);
    assert.equal(item.statusCode, undefined);
    assert.equal(item.message?.S?.length, 500);
  });

  test('refuses an event without a usable timestamp', () => {
    assert.throws(() => failureItem('evt-3', { ...detail, failedAt: 'yesterday' }, 60_000), /not a timestamp/);
  });
});

describe('failure recorder handler', () => {
  test('writes the same item when EventBridge delivers an event twice', async () => {
    const items: Record<string, AttributeValue>[] = [];
    const handler = createHandler(async (item) => {
      items.push(item);
    }, 60_000);
    const event = { id: 'evt-1', detail } as EventBridgeEvent<'ServiceCallFailed', ServiceCallFailedDetail>;
    await handler(event);
    await handler(event);
    assert.deepEqual(items[0], items[1]);
  });
});
