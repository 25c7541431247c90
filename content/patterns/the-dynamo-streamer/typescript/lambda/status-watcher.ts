import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** What one stream record means for the status board. */
export type StatusChange = {
  service: string;
  kind: 'created' | 'changed' | 'unchanged' | 'removed';
  from?: string;
  to?: string;
  /** The free-text message that came with the report, if any. */
  note?: string;
  /** Set when DynamoDB itself deleted the item, which only happens through TTL. */
  byTtl?: boolean;
  sequenceNumber: string;
};

/** Where the watcher sends its output: one JSON object per call, as a log line. */
export type Emit = (line: Record<string, unknown>) => void;

type Image = Record<string, unknown>;

function imageOf(raw: Record<string, unknown> | undefined): Image | undefined {
  // aws-lambda and the SDK each declare their own AttributeValue type; the wire format is the same.
  return raw ? unmarshall(raw as Parameters<typeof unmarshall>[0]) : undefined;
}

function text(image: Image | undefined, name: string): string | undefined {
  const value = image?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Turns a raw stream record into a status change; throws on a record it cannot make sense of. */
export function toStatusChange(record: DynamoDBRecord): StatusChange {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (!sequenceNumber) throw new Error('stream record without a sequence number');
  const keys = imageOf(record.dynamodb?.Keys);
  const service = text(keys, 'service');
  if (!service) throw new Error(`record ${sequenceNumber} has no service key`);

  const before = imageOf(record.dynamodb?.OldImage);
  const after = imageOf(record.dynamodb?.NewImage);
  const from = text(before, 'status');
  const to = text(after, 'status');

  switch (record.eventName) {
    case 'INSERT':
      if (!to) throw new Error(`record ${sequenceNumber} inserted ${service} without a status`);
      return { service, kind: 'created', to, note: text(after, 'message'), sequenceNumber };
    case 'MODIFY':
      if (!to) throw new Error(`record ${sequenceNumber} changed ${service} to no status`);
      return { service, kind: from === to ? 'unchanged' : 'changed', from, to, note: text(after, 'message'), sequenceNumber };
    case 'REMOVE':
      return {
        service,
        kind: 'removed',
        from,
        byTtl: record.userIdentity?.principalId === 'dynamodb.amazonaws.com',
        sequenceNumber,
      };
    default:
      throw new Error(`record ${sequenceNumber} has unknown event ${String(record.eventName)}`);
  }
}

/** Counts per kind of change and per status reached, for one batch. */
export function summarise(changes: readonly StatusChange[]): Record<string, number> {
  const counts: Record<string, number> = { created: 0, changed: 0, unchanged: 0, removed: 0 };
  for (const change of changes) counts[change.kind] = (counts[change.kind] ?? 0) + 1;
  return counts;
}

/**
 * A CloudWatch embedded-metric-format line: Lambda ships it with the other logs and
 * CloudWatch turns it into metrics, so no PutMetricData permission or call is needed.
 */
export function metricsLine(counts: Record<string, number>, timestamp: number): Record<string, unknown> {
  const names = Object.keys(counts);
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        { Namespace: 'StatusBoard', Dimensions: [[]], Metrics: names.map((Name) => ({ Name, Unit: 'Count' })) },
      ],
    },
    message: 'status batch summary',
    ...counts,
  };
}

export function createHandler(emit: Emit, now: () => number = Date.now) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const changes: StatusChange[] = [];
    for (const record of event.Records) {
      let change: StatusChange;
      try {
        change = toStatusChange(record);
      } catch (error) {
        emit({ level: 'ERROR', message: 'unreadable status record', error: String(error) });
        // Records of one item must stay in order, so stop here: Lambda retries from this
        // record, and bisect-on-error narrows a bad batch down to the record itself.
        const failed = record.dynamodb?.SequenceNumber ?? '';
        if (changes.length) emit(metricsLine(summarise(changes), now()));
        return { batchItemFailures: [{ itemIdentifier: failed }] };
      }
      changes.push(change);
      if (change.kind !== 'unchanged') emit({ level: 'INFO', message: 'status change', ...change });
    }
    if (changes.length) emit(metricsLine(summarise(changes), now()));
    return { batchItemFailures: [] };
  };
}

// Written straight to stdout: with the JSON log format, console.log would wrap the
// embedded-metric object inside a "message" field and CloudWatch would not find it.
export const handler = createHandler((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
