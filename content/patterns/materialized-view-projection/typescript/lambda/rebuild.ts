import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { versionOf } from './orders';
import { type EventLog, StuckAt, type Views, advance, dynamoEventLog, dynamoViews } from './projection';

/** What the operator passes to `aws lambda invoke`; every field is optional. */
export interface RebuildRequest {
  /** Split the event table into this many scan segments (1-64) and run one invocation per segment. */
  totalSegments?: number;
  segment?: number;
  /** Where an earlier invocation stopped: copy `next` from its answer. */
  startKey?: Record<string, unknown>;
}

export interface RebuildReport {
  segment: number;
  totalSegments: number;
  pages: number;
  eventsRead: number;
  /** Orders whose view this run moved forward, and orders it found already up to date. */
  ordersAdvanced: number;
  ordersUpToDate: number;
  /** Orders it could not finish; fix the cause and run again, finished orders are skipped cheaply. */
  failed: { orderId: string; stuckAt?: number; error: string }[];
  /** Null when the segment is done; otherwise invoke again with exactly this payload. */
  next: RebuildRequest | null;
}

export const MAX_SEGMENTS = 64;
/** Stop starting new pages with less than this left, so one page always finishes inside the timeout. */
export const RESERVE_MS = 60_000;

export function parseRequest(input: unknown): Required<Pick<RebuildRequest, 'segment' | 'totalSegments'>> & Pick<RebuildRequest, 'startKey'> {
  const request = (input ?? {}) as Record<string, unknown>;
  if (typeof request !== 'object' || Array.isArray(request)) throw new Error('the payload must be a JSON object');
  const unknown = Object.keys(request).filter((k) => !['segment', 'totalSegments', 'startKey'].includes(k));
  if (unknown.length) throw new Error(`unknown fields: ${unknown.join(', ')}`);
  const totalSegments = request.totalSegments ?? 1;
  const segment = request.segment ?? 0;
  if (typeof totalSegments !== 'number' || !Number.isInteger(totalSegments) || totalSegments < 1 || totalSegments > MAX_SEGMENTS) {
    throw new Error(`totalSegments must be an integer from 1 to ${MAX_SEGMENTS}`);
  }
  if (typeof segment !== 'number' || !Number.isInteger(segment) || segment < 0 || segment >= totalSegments) {
    throw new Error('segment must be an integer from 0 to totalSegments - 1');
  }
  const startKey = request.startKey;
  if (startKey !== undefined) {
    const key = startKey as Record<string, unknown>;
    if (typeof key !== 'object' || key === null || typeof key.aggregateId !== 'string' || typeof key.version !== 'number' || Object.keys(key).length !== 2) {
      throw new Error('startKey must be the { aggregateId, version } an earlier run returned');
    }
  }
  return { segment, totalSegments, startKey: startKey as Record<string, unknown> | undefined };
}

/**
 * Replays the event table into the view through the same `advance` the projector uses: each scan page is
 * treated like a stream batch. Safe to run while the projector runs, in parallel segments, and again.
 */
export function createRebuild(views: Views, log: EventLog) {
  return async (input: unknown, remainingMs: () => number): Promise<RebuildReport> => {
    const { segment, totalSegments, startKey } = parseRequest(input);
    const report: RebuildReport = { segment, totalSegments, pages: 0, eventsRead: 0, ordersAdvanced: 0, ordersUpToDate: 0, failed: [], next: null };
    let key = startKey;
    do {
      const page = await log.page(segment, totalSegments, key);
      report.pages += 1;
      report.eventsRead += page.items.length;
      const orders = new Map<string, Record<string, unknown>[]>();
      for (const item of page.items) {
        const orderId = String(item.aggregateId);
        try {
          versionOf(item);
          orders.set(orderId, [...(orders.get(orderId) ?? []), item]);
        } catch (error) {
          report.failed.push({ orderId, error: String(error) });
        }
      }
      for (const [orderId, items] of orders) {
        try {
          const result = await advance(views, log, orderId, items);
          if (result.to > result.from) report.ordersAdvanced += 1;
          else report.ordersUpToDate += 1;
        } catch (error) {
          report.failed.push({ orderId, stuckAt: error instanceof StuckAt ? error.version : undefined, error: String(error) });
        }
      }
      key = page.nextKey;
    } while (key && remainingMs() > RESERVE_MS);
    report.next = key ? { segment, totalSegments, startKey: key } : null;
    return report;
  };
}

const client = new DynamoDBClient({});
const rebuild = createRebuild(dynamoViews(client, process.env.VIEW_TABLE_NAME ?? ''), dynamoEventLog(client, process.env.EVENT_TABLE_NAME ?? ''));

export const handler = async (event: unknown, context: Context): Promise<RebuildReport> => {
  const report = await rebuild(event, () => context.getRemainingTimeInMillis());
  console.log(JSON.stringify({ level: report.failed.length ? 'WARN' : 'INFO', message: 'rebuild run', ...report }));
  return report;
};
