import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { createHandler, flush, fold, minuteOf, type Send, type WindowState } from '../lambda/window-aggregator';
import { SHARD, STREAM_ARN, conditionFailed, fakeDynamo, kinesisRecord, reading } from './records';

const TABLE = 'WindowTotals-table';
const WINDOW = { start: '2026-12-05T10:01:00Z', end: '2026-12-05T10:02:00Z' };
const NOW = new Date('2026-12-05T10:02:01Z');

function windowEvent(records: ReturnType<typeof kinesisRecord>[], state: unknown, final = false, terminatedEarly = false) {
  return {
    Records: records,
    window: WINDOW,
    state,
    shardId: SHARD,
    eventSourceARN: STREAM_ARN,
    isFinalInvokeForWindow: final,
    isWindowTerminatedEarly: terminatedEarly,
  } as KinesisStreamTumblingWindowEvent & { shardId: string };
}

describe('fold', () => {
  test('groups readings by device and event-time minute, counting readings from an already closed minute as late', () => {
    const state = fold(
      undefined,
      [
        kinesisRecord('11', reading('fridge-7', 4.2, '2026-12-05T10:01:05Z')),
        kinesisRecord('12', reading('fridge-7', 4.4, '2026-12-05T10:01:35Z')),
        // Taken at 10:00:50, arrived in the 10:01 window: late, and still counted in 10:00.
        kinesisRecord('13', reading('fridge-7', 3.8, '2026-12-05T10:00:50Z')),
        kinesisRecord('14', reading('fridge-8', -18.5, '2026-12-05T10:01:10Z'), 'fridge-8'),
      ],
      SHARD,
      Date.parse(WINDOW.start),
      () => undefined,
    );
    assert.deepEqual(state, {
      segment: `${SHARD}:11`,
      skipped: 0,
      buckets: {
        'fridge-7|2026-12-05T10:01:00.000Z': { readings: 2, milliDegrees: 8600, late: 0 },
        'fridge-7|2026-12-05T10:00:00.000Z': { readings: 1, milliDegrees: 3800, late: 1 },
        'fridge-8|2026-12-05T10:01:00.000Z': { readings: 1, milliDegrees: -18500, late: 0 },
      },
    });
    assert.equal(minuteOf(Date.parse('2026-12-05T10:01:59.999Z')), '2026-12-05T10:01:00.000Z');
  });

  test('skips and counts unreadable records instead of failing the window', () => {
    const logs: Record<string, unknown>[] = [];
    const state = fold(undefined, [kinesisRecord('21', 'garbage'), kinesisRecord('22', reading('fridge-7', 4, '2026-12-05T10:01:00Z'))], SHARD, Date.parse(WINDOW.start), (l) => logs.push(l));
    assert.equal(state.skipped, 1);
    assert.equal(state.segment, `${SHARD}:22`);
    assert.equal(logs[0]!.sequenceNumber, '21');
  });
});

describe('window aggregator handler', () => {
  test('carries the state across invocations and writes nothing until the window is final', async () => {
    const dynamo = fakeDynamo();
    const handler = createHandler(dynamo.send as Send, TABLE, () => undefined, () => NOW);
    const first = await handler(windowEvent([kinesisRecord('31', reading('fridge-7', 4.0, '2026-12-05T10:01:01Z'))], {}));
    const second = await handler(windowEvent([kinesisRecord('32', reading('fridge-7', 5.0, '2026-12-05T10:01:31Z'))], first.state));
    assert.equal(dynamo.calls.length, 0);
    assert.deepEqual(second.state, {
      segment: `${SHARD}:31`,
      skipped: 0,
      buckets: { 'fridge-7|2026-12-05T10:01:00.000Z': { readings: 2, milliDegrees: 9000, late: 0 } },
    });
    assert.equal(second.batchItemFailures, undefined);

    const last = await handler(windowEvent([], second.state, true));
    assert.deepEqual(last.state, { buckets: {}, skipped: 0 });
    assert.deepEqual(dynamo.calls, [
      {
        TableName: TABLE,
        Key: { deviceId: { S: 'fridge-7' }, minute: { S: '2026-12-05T10:01:00.000Z' } },
        UpdateExpression: 'ADD readings :readings, temperatureSum :sum, lateReadings :late, segments :segments SET lastAddedAt = :now',
        ConditionExpression: 'attribute_not_exists(segments) OR NOT contains(segments, :segment)',
        ExpressionAttributeValues: {
          ':readings': { N: '2' },
          ':sum': { N: '9' },
          ':late': { N: '0' },
          ':segments': { SS: [`${SHARD}:31`] },
          ':segment': { S: `${SHARD}:31` },
          ':now': { S: '2026-12-05T10:02:01.000Z' },
        },
      },
    ]);
  });

  test('folds records that arrive with the final invocation before writing', async () => {
    const dynamo = fakeDynamo();
    const handler = createHandler(dynamo.send as Send, TABLE, () => undefined, () => NOW);
    await handler(windowEvent([kinesisRecord('41', reading('fridge-7', 4.5, '2026-12-05T10:01:59Z'))], {}, true));
    assert.deepEqual(dynamo.calls.map((c) => c.ExpressionAttributeValues[':readings'].N), ['1']);
  });

  test('writes a window Lambda terminated early, so the fresh state that follows adds to it', async () => {
    const dynamo = fakeDynamo();
    const handler = createHandler(dynamo.send as Send, TABLE, () => undefined, () => NOW);
    const early = await handler(windowEvent([kinesisRecord('51', reading('fridge-7', 4.0, '2026-12-05T10:01:10Z'))], {}, false, true));
    const rest = await handler(windowEvent([kinesisRecord('52', reading('fridge-7', 6.0, '2026-12-05T10:01:40Z'))], early.state, true));
    assert.deepEqual(rest.state, { buckets: {}, skipped: 0 });
    assert.deepEqual(
      dynamo.calls.map((c) => [c.ExpressionAttributeValues[':segment'].S, c.ExpressionAttributeValues[':sum'].N]),
      [
        [`${SHARD}:51`, '4'],
        [`${SHARD}:52`, '6'],
      ],
    );
  });

  test('a retried final invocation adds nothing twice', async () => {
    // A table that applies the condition: a segment already in the row is refused.
    const rows = new Map<string, { readings: number; segments: Set<string> }>();
    const send = async (command: { input: Record<string, any> }) => {
      const { Key, ExpressionAttributeValues: v } = command.input;
      const key = `${Key.deviceId.S}|${Key.minute.S}`;
      const row = rows.get(key) ?? { readings: 0, segments: new Set<string>() };
      if (row.segments.has(v[':segment'].S)) throw conditionFailed();
      if (Key.deviceId.S === 'fridge-9' && !rows.has('fail-once')) {
        rows.set('fail-once', { readings: 0, segments: new Set() });
        throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      }
      row.readings += Number(v[':readings'].N);
      row.segments.add(v[':segment'].S);
      rows.set(key, row);
      return {};
    };
    const state: WindowState = {
      segment: `${SHARD}:61`,
      skipped: 0,
      buckets: {
        'fridge-7|2026-12-05T10:01:00.000Z': { readings: 3, milliDegrees: 12000, late: 0 },
        'fridge-9|2026-12-05T10:01:00.000Z': { readings: 2, milliDegrees: 4000, late: 0 },
      },
    };
    const handler = createHandler(send as unknown as Send, TABLE, () => undefined, () => NOW);
    // The first attempt writes fridge-7, then fails on fridge-9: the invocation fails and Lambda retries it with the same state.
    await assert.rejects(handler(windowEvent([], state, true)), /throttled/);
    const logs: Record<string, unknown>[] = [];
    const retry = createHandler(send as unknown as Send, TABLE, (l) => logs.push(l), () => NOW);
    await retry(windowEvent([], state, true));
    assert.equal(rows.get('fridge-7|2026-12-05T10:01:00.000Z')!.readings, 3);
    assert.equal(rows.get('fridge-9|2026-12-05T10:01:00.000Z')!.readings, 2);
    assert.deepEqual([logs[0]!.added, logs[0]!.alreadyAdded], [1, 1]);
  });

  test('writes nothing for a window with no readable records', async () => {
    const dynamo = fakeDynamo();
    assert.deepEqual(await flush(dynamo.send as Send, TABLE, { buckets: {}, skipped: 2 }, NOW.toISOString()), { added: 0, alreadyAdded: 0 });
    assert.equal(dynamo.calls.length, 0);
  });
});
