import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventBridgeEvent } from 'aws-lambda';
import { createHandler, describeEvent } from '../lambda/observer';

function event(detailType: string, detail: Record<string, unknown>): EventBridgeEvent<string, Record<string, unknown>> {
  return {
    id: 'e-1',
    source: 'etl.transform',
    'detail-type': detailType,
    time: '2026-11-22T10:00:00Z',
    detail,
  } as EventBridgeEvent<string, Record<string, unknown>>;
}

describe('observer', () => {
  test('puts the file and row in front of the full event', () => {
    const line = describeEvent(event('RowRejected', { bucket: 'landing', key: 'orders.csv', row: 3, errors: ['x'] }));
    assert.equal(line.file, 's3://landing/orders.csv');
    assert.equal(line.row, 3);
    assert.equal(line.detailType, 'RowRejected');
    assert.equal(line.source, 'etl.transform');
    assert.deepEqual(line.detail, { bucket: 'landing', key: 'orders.csv', row: 3, errors: ['x'] });
  });

  test('copes with events that are not about a single row', () => {
    const line = describeEvent(event('FileExtracted', { bucket: 'landing', key: 'orders.csv', rows: 10 }));
    assert.equal(line.row, undefined);
    assert.equal(line.file, 's3://landing/orders.csv');
  });

  test('writes exactly one JSON line per event', async () => {
    const lines: string[] = [];
    await createHandler((l) => lines.push(l))(event('RowTransformed', { bucket: 'b', key: 'k', row: 1 }));
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0] ?? '{}').eventId, 'e-1');
  });
});
