import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KinesisStreamEvent } from 'aws-lambda';
import { createHandler, storeReading, type Send } from '../lambda/reading-processor';
import { conditionFailed, fakeDynamo, kinesisRecord, reading } from './records';

const TABLE = 'LatestReadings-table';

describe('storeReading', () => {
  test('writes the newest reading of a device only if it is newer than the stored one', async () => {
    const dynamo = fakeDynamo();
    const outcome = await storeReading(dynamo.send as Send, TABLE, kinesisRecord('100', reading('fridge-7', 4.2, '2026-12-05T10:00:03Z')));
    assert.equal(outcome, 'stored');
    assert.deepEqual(dynamo.calls, [
      {
        TableName: TABLE,
        Key: { deviceId: { S: 'fridge-7' } },
        UpdateExpression: 'SET temperature = :temperature, readAt = :readAt, readAtMs = :readAtMs, sequenceNumber = :seq',
        ConditionExpression: 'attribute_not_exists(readAtMs) OR readAtMs < :readAtMs',
        ExpressionAttributeValues: {
          ':temperature': { N: '4.2' },
          ':readAt': { S: '2026-12-05T10:00:03Z' },
          ':readAtMs': { N: String(Date.UTC(2026, 11, 5, 10, 0, 3)) },
          ':seq': { S: '100' },
        },
      },
    ]);
  });

  test('treats a reading older than the stored one, or delivered twice, as done', async () => {
    const dynamo = fakeDynamo(() => conditionFailed());
    assert.equal(await storeReading(dynamo.send as Send, TABLE, kinesisRecord('101', reading('fridge-7', 3.9, '2026-12-05T09:59:00Z'))), 'older-than-stored');
  });
});

describe('reading processor handler', () => {
  const batch = (...records: ReturnType<typeof kinesisRecord>[]) => ({ Records: records }) as KinesisStreamEvent;

  test('reports exactly the sequence number of one bad record and stores the readings before it', async () => {
    const dynamo = fakeDynamo();
    const logs: Record<string, unknown>[] = [];
    const handler = createHandler(dynamo.send as Send, TABLE, (l) => logs.push(l));
    const result = await handler(
      batch(
        kinesisRecord('201', reading('fridge-7', 4.1, '2026-12-05T10:00:00Z')),
        kinesisRecord('202', reading('fridge-8', 5.0, '2026-12-05T10:00:01Z'), 'fridge-8'),
        kinesisRecord('203', '{"deviceId":"fridge-7","temperature":"warm"}'),
      ),
    );
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '203' }] });
    assert.deepEqual(dynamo.calls.map((c) => c.ExpressionAttributeValues[':seq'].S), ['201', '202']);
    assert.equal(logs.length, 1);
    assert.equal(logs[0]!.sequenceNumber, '203');
  });

  test('leaves every record after a failure for the retry, so a shard is applied in order', async () => {
    const dynamo = fakeDynamo();
    const handler = createHandler(dynamo.send as Send, TABLE, () => undefined);
    const result = await handler(
      batch(
        kinesisRecord('301', reading('fridge-7', 4.0, '2026-12-05T10:00:00Z')),
        kinesisRecord('302', 'not json at all'),
        kinesisRecord('303', reading('fridge-7', 4.4, '2026-12-05T10:00:10Z')),
        kinesisRecord('304', reading('fridge-9', 2.0, '2026-12-05T10:00:11Z'), 'fridge-9'),
      ),
    );
    // Lambda resumes from the lowest reported sequence number, 302: 303 and 304 come back on the
    // retry, and were not written now, so fridge-7 never sees 303 before 302.
    assert.deepEqual(result.batchItemFailures, [{ itemIdentifier: '302' }]);
    assert.deepEqual(dynamo.calls.map((c) => c.ExpressionAttributeValues[':seq'].S), ['301']);
  });

  test('fails a record whose write DynamoDB refuses and holds back the rest, without throwing', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    const dynamo = fakeDynamo((input) => (input.ExpressionAttributeValues[':seq'].S === '401' ? throttled : undefined));
    const handler = createHandler(dynamo.send as Send, TABLE, () => undefined);
    const result = await handler(
      batch(kinesisRecord('401', reading('fridge-7', 4.0, '2026-12-05T10:00:00Z')), kinesisRecord('402', reading('fridge-7', 4.1, '2026-12-05T10:00:05Z'))),
    );
    assert.deepEqual(result.batchItemFailures, [{ itemIdentifier: '401' }]);
    assert.equal(dynamo.calls.length, 0);
  });

  test('reports a batch whose only record is bad instead of throwing, and starts clean on the next batch', async () => {
    const dynamo = fakeDynamo();
    const handler = createHandler(dynamo.send as Send, TABLE, () => undefined);
    assert.deepEqual(await handler(batch(kinesisRecord('501', '{}'))), { batchItemFailures: [{ itemIdentifier: '501' }] });
    assert.deepEqual(await handler(batch(kinesisRecord('502', reading('fridge-7', 4.0, '2026-12-05T10:01:00Z')))), { batchItemFailures: [] });
    assert.equal(dynamo.calls.length, 1);
  });

  test('stores a late reading only where no newer one is kept, and reports it as done', async () => {
    const stored = new Map<string, number>();
    const send = async (command: { input: Record<string, any> }) => {
      const { Key, ExpressionAttributeValues: v } = command.input;
      const ms = Number(v[':readAtMs'].N);
      if ((stored.get(Key.deviceId.S) ?? -1) >= ms) throw conditionFailed();
      stored.set(Key.deviceId.S, ms);
      return {};
    };
    const handler = createHandler(send as unknown as Send, TABLE, () => undefined);
    const result = await handler(
      batch(
        kinesisRecord('601', reading('fridge-7', 4.6, '2026-12-05T10:05:00Z')),
        kinesisRecord('602', reading('fridge-7', 9.9, '2026-12-05T10:01:00Z')),
        kinesisRecord('601', reading('fridge-7', 4.6, '2026-12-05T10:05:00Z')),
      ),
    );
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.equal(stored.get('fridge-7'), Date.UTC(2026, 11, 5, 10, 5));
  });
});
