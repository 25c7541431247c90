import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamRecord, KinesisStreamStateResponse, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { InvalidReading, parseReading } from './reading';

export type Send = (command: UpdateItemCommand) => Promise<unknown>;
export type Log = (line: Record<string, unknown>) => void;

/** Totals for one device and one minute of event time, in integer milli-degrees so sums stay exact. */
export type Bucket = { readings: number; milliDegrees: number; late: number };

/**
 * What Lambda carries from one invocation to the next within a tumbling window (at most 1 MB per shard).
 * `segment` names this run of the window: the shard and the first sequence number folded into it.
 */
export type WindowState = { segment?: string; buckets: Record<string, Bucket>; skipped: number };

export const MINUTE_MS = 60_000;

/** The event-time minute a reading belongs to, as an ISO timestamp. */
export function minuteOf(readAtMs: number): string {
  return new Date(Math.floor(readAtMs / MINUTE_MS) * MINUTE_MS).toISOString();
}

function emptyState(): WindowState {
  return { buckets: {}, skipped: 0 };
}

/**
 * Folds a batch into the window's state. Buckets are keyed by the minute each reading was taken
 * (event time), not by the window it arrived in (processing time). A reading whose minute had
 * already ended when this window opened is counted as late, and still lands in its own minute.
 */
export function fold(previous: WindowState | undefined, records: readonly KinesisStreamRecord[], shardId: string, windowStartMs: number, log: Log): WindowState {
  const state: WindowState = previous?.buckets ? { ...previous, buckets: { ...previous.buckets } } : emptyState();
  for (const record of records) {
    let reading;
    try {
      reading = parseReading(record.kinesis.data);
    } catch (error) {
      if (!(error instanceof InvalidReading)) throw error;
      // The ReadingProcessor reports unreadable records; stalling the totals on them helps nobody.
      state.skipped += 1;
      log({ level: 'WARN', message: 'reading skipped by the aggregate', sequenceNumber: record.kinesis.sequenceNumber, error: error.message });
      continue;
    }
    state.segment ??= `${shardId}:${record.kinesis.sequenceNumber}`;
    const minute = minuteOf(reading.readAtMs);
    const key = `${reading.deviceId}|${minute}`;
    const bucket = state.buckets[key] ?? { readings: 0, milliDegrees: 0, late: 0 };
    state.buckets[key] = {
      readings: bucket.readings + 1,
      milliDegrees: bucket.milliDegrees + Math.round(reading.temperature * 1000),
      late: bucket.late + (Date.parse(minute) + MINUTE_MS <= windowStartMs ? 1 : 0),
    };
  }
  return state;
}

/**
 * Adds each bucket to its row. The segment id goes into a string set on the row in the same
 * update, and the condition refuses a segment that is already there: a final invocation that is
 * retried after some rows were written adds nothing twice, while the continuation of a window
 * Lambda cut short (state over 1 MB) has a new segment id and adds its own share.
 */
export async function flush(send: Send, tableName: string, state: WindowState, now: string): Promise<{ added: number; alreadyAdded: number }> {
  let added = 0;
  let alreadyAdded = 0;
  if (!state.segment) return { added, alreadyAdded };
  for (const [key, bucket] of Object.entries(state.buckets)) {
    const [deviceId, minute] = key.split('|') as [string, string];
    try {
      await send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { deviceId: { S: deviceId }, minute: { S: minute } },
          UpdateExpression: 'ADD readings :readings, temperatureSum :sum, lateReadings :late, segments :segments SET lastAddedAt = :now',
          ConditionExpression: 'attribute_not_exists(segments) OR NOT contains(segments, :segment)',
          ExpressionAttributeValues: {
            ':readings': { N: String(bucket.readings) },
            ':sum': { N: String(bucket.milliDegrees / 1000) },
            ':late': { N: String(bucket.late) },
            ':segments': { SS: [state.segment] },
            ':segment': { S: state.segment },
            ':now': { S: now },
          },
        }),
      );
      added += 1;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException')) throw error;
      alreadyAdded += 1;
    }
  }
  return { added, alreadyAdded };
}

export function createHandler(send: Send, tableName: string, log: Log, now: () => Date = () => new Date()) {
  return async (event: KinesisStreamTumblingWindowEvent & { shardId?: string }): Promise<KinesisStreamStateResponse> => {
    const shardId = event.shardId ?? event.Records[0]?.eventID.split(':')[0] ?? 'unknown-shard';
    const state = fold(event.state as WindowState | undefined, event.Records, shardId, Date.parse(event.window.start), log);
    // A window Lambda cut short is written like a closed one: the next invocation starts a fresh state.
    if (!event.isFinalInvokeForWindow && !event.isWindowTerminatedEarly) return { state };
    const result = await flush(send, tableName, state, now().toISOString());
    log({
      level: 'INFO',
      message: 'window written',
      window: event.window,
      terminatedEarly: event.isWindowTerminatedEarly,
      rows: Object.keys(state.buckets).length,
      ...result,
      skipped: state.skipped,
    });
    // The window is over; Lambda drops this state and opens the next window empty.
    return { state: emptyState() };
  };
}

let client: DynamoDBClient | undefined;
const send: Send = (command) => (client ??= new DynamoDBClient({})).send(command);

export const handler = createHandler(send, process.env.WINDOW_TOTALS_TABLE ?? '', (line) => process.stdout.write(`${JSON.stringify(line)}\n`));
