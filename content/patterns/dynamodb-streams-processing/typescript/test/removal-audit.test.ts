import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createHandler, toRemoval } from '../lambda/removal-audit';
import { order, profile, streamRecord } from './records';

const batch = (...records: ReturnType<typeof streamRecord>[]) => ({ Records: records }) as DynamoDBStreamEvent;

describe('removal audit', () => {
  test('records what was removed, when, and whether TTL or a caller removed it', () => {
    const placed = order('c-1', 'o-1', { status: 'PLACED', totalCents: 4200, version: 3 });
    assert.deepEqual(toRemoval(streamRecord('1', placed, undefined)), {
      pk: 'CUSTOMER#c-1',
      sk: 'ORDER#o-1',
      entityType: 'ORDER',
      removedBy: 'caller',
      removedAt: '2026-12-05T00:00:00.000Z',
      item: placed,
      sequenceNumber: '1',
    });
    assert.equal(toRemoval(streamRecord('2', profile('c-1', 'Ana'), undefined, { ttl: true }))?.removedBy, 'ttl');
    assert.equal(toRemoval(streamRecord('3', undefined, placed)), undefined);
  });

  test('logs one audit line per removal and reports the first unreadable record', async () => {
    const lines: Record<string, unknown>[] = [];
    const handler = createHandler((l) => lines.push(l));
    const unreadable = streamRecord('2', profile('c-1', 'Ana'), undefined);
    delete unreadable.dynamodb!.Keys;
    const result = await handler(
      batch(streamRecord('1', profile('c-2', 'Bo'), undefined), unreadable, streamRecord('3', profile('c-3', 'Cy'), undefined)),
    );
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '2' }] });
    assert.deepEqual(lines.filter((l) => l.message === 'item removed').map((l) => l.pk), ['CUSTOMER#c-2']);
    assert.ok(lines.some((l) => l.level === 'ERROR'));
  });
});
