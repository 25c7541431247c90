import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createHandler, metricsLine, summarise, toStatusChange } from '../lambda/status-watcher';

type Item = Record<string, string>;

const image = (item: Item | undefined) =>
  item ? Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { S: v }])) : undefined;

function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  seq: string,
  service: string,
  before?: Item,
  after?: Item,
  principalId?: string,
): DynamoDBRecord {
  return {
    eventName,
    dynamodb: { Keys: { service: { S: service } }, SequenceNumber: seq, OldImage: image(before), NewImage: image(after) },
    ...(principalId ? { userIdentity: { type: 'Service', principalId } } : {}),
  } as DynamoDBRecord;
}

const batch = (...records: DynamoDBRecord[]) => ({ Records: records }) as DynamoDBStreamEvent;

describe('toStatusChange', () => {
  test('reads a new service and its first status', () => {
    const change = toStatusChange(record('INSERT', '1', 'checkout', undefined, { service: 'checkout', status: 'operational', message: 'live' }));
    assert.deepEqual(change, { service: 'checkout', kind: 'created', to: 'operational', note: 'live', sequenceNumber: '1' });
  });

  test('uses both images to say what a status changed from', () => {
    const change = toStatusChange(
      record('MODIFY', '2', 'checkout', { service: 'checkout', status: 'operational' }, { service: 'checkout', status: 'degraded' }),
    );
    assert.equal(change.kind, 'changed');
    assert.equal(change.from, 'operational');
    assert.equal(change.to, 'degraded');
  });

  test('calls a rewrite with the same status unchanged', () => {
    const change = toStatusChange(
      record('MODIFY', '3', 'search', { service: 'search', status: 'outage' }, { service: 'search', status: 'outage', message: 'still down' }),
    );
    assert.equal(change.kind, 'unchanged');
  });

  test('tells a TTL expiry apart from a delete by a caller', () => {
    const old = { service: 'search', status: 'maintenance' };
    assert.equal(toStatusChange(record('REMOVE', '4', 'search', old, undefined, 'dynamodb.amazonaws.com')).byTtl, true);
    assert.equal(toStatusChange(record('REMOVE', '5', 'search', old)).byTtl, false);
    assert.equal(toStatusChange(record('REMOVE', '5', 'search', old)).from, 'maintenance');
  });

  test('rejects records it cannot interpret', () => {
    assert.throws(() => toStatusChange(record('INSERT', '6', '', undefined, { status: 'degraded' })), /no service key/);
    assert.throws(() => toStatusChange(record('INSERT', '7', 'checkout', undefined, { service: 'checkout' })), /without a status/);
  });
});

describe('summarise and metricsLine', () => {
  test('count each kind, including the ones that did not occur', () => {
    const counts = summarise([
      { service: 'a', kind: 'created', to: 'operational', sequenceNumber: '1' },
      { service: 'b', kind: 'changed', from: 'operational', to: 'outage', sequenceNumber: '2' },
      { service: 'a', kind: 'changed', from: 'operational', to: 'degraded', sequenceNumber: '3' },
    ]);
    assert.deepEqual(counts, { created: 1, changed: 2, unchanged: 0, removed: 0 });
  });

  test('declare every counted value as a metric in the StatusBoard namespace', () => {
    const line = metricsLine({ created: 1, changed: 2 }, 1_700_000_000_000);
    const aws = line._aws as { Timestamp: number; CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
    assert.equal(aws.Timestamp, 1_700_000_000_000);
    assert.equal(aws.CloudWatchMetrics[0]?.Namespace, 'StatusBoard');
    assert.deepEqual(aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name), ['created', 'changed']);
    assert.equal(line.changed, 2);
  });
});

describe('status watcher handler', () => {
  test('logs real changes, skips unchanged rewrites and reports no failures', async () => {
    const lines: Record<string, unknown>[] = [];
    const handler = createHandler((l) => lines.push(l), () => 42);
    const result = await handler(
      batch(
        record('INSERT', '10', 'checkout', undefined, { service: 'checkout', status: 'operational' }),
        record('MODIFY', '11', 'checkout', { service: 'checkout', status: 'operational' }, { service: 'checkout', status: 'operational' }),
        record('MODIFY', '12', 'checkout', { service: 'checkout', status: 'operational' }, { service: 'checkout', status: 'outage' }),
      ),
    );
    assert.deepEqual(result, { batchItemFailures: [] });
    const changes = lines.filter((l) => l.message === 'status change');
    assert.deepEqual(changes.map((l) => l.sequenceNumber), ['10', '12']);
    const summary = lines.at(-1)!;
    assert.equal(summary.message, 'status batch summary');
    assert.deepEqual([summary.created, summary.changed, summary.unchanged], [1, 1, 1]);
  });

  test('stops at the first unreadable record and returns its sequence number', async () => {
    const lines: Record<string, unknown>[] = [];
    const handler = createHandler((l) => lines.push(l));
    const result = await handler(
      batch(
        record('INSERT', '20', 'search', undefined, { service: 'search', status: 'degraded' }),
        record('INSERT', '21', 'broken', undefined, { service: 'broken' }),
        record('INSERT', '22', 'later', undefined, { service: 'later', status: 'operational' }),
      ),
    );
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '21' }] });
    // The record after the failure is left for the retry, so it is not logged twice.
    assert.equal(lines.some((l) => l.service === 'later'), false);
    assert.ok(lines.some((l) => l.level === 'ERROR'));
    assert.equal(lines.at(-1)?.created, 1);
  });

  test('emits nothing for an empty batch', async () => {
    const lines: Record<string, unknown>[] = [];
    const result = await createHandler((l) => lines.push(l))(batch());
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.equal(lines.length, 0);
  });
});
