import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { versionOf } from './orders';
import { type EventLog, StuckAt, type Views, advance, dynamoEventLog, dynamoViews } from './projection';

/** Where the projector writes its log lines: one JSON object per call. */
export type Log = (line: Record<string, unknown>) => void;

interface Delivered {
  position: number;
  version: number;
  item: Record<string, unknown>;
}

/**
 * Folds a batch of INSERT records of the event table into the view. Records are grouped per order;
 * each order is advanced once. When an order cannot be advanced, the earliest record of that order not
 * yet reflected in its view is reported, so Lambda retries from there; records after it that were
 * applied come again and are refused as duplicates by their versions.
 */
export function createProjector(views: Views, log: EventLog, write: Log) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const orders = new Map<string, Delivered[]>();
    const failed: number[] = [];

    event.Records.forEach((record, position) => {
      try {
        const image = record.dynamodb?.NewImage;
        if (!image) throw new Error('record has no new image');
        // aws-lambda and the SDK each declare their own AttributeValue type; the wire format is the same.
        const item = unmarshall(image as Parameters<typeof unmarshall>[0]);
        const orderId = item.aggregateId;
        if (typeof orderId !== 'string' || orderId === '') throw new Error('record has no aggregateId');
        const delivered = { position, version: versionOf(item), item };
        orders.set(orderId, [...(orders.get(orderId) ?? []), delivered]);
      } catch (error) {
        write({ level: 'ERROR', message: 'unreadable event record', sequenceNumber: record.dynamodb?.SequenceNumber, error: String(error) });
        failed.push(position);
      }
    });

    for (const [orderId, delivered] of orders) {
      try {
        const result = await advance(
          views,
          log,
          orderId,
          delivered.map((d) => d.item),
        );
        write({ level: 'INFO', message: result.to > result.from ? 'view advanced' : 'duplicate events skipped', ...result });
      } catch (error) {
        // Everything below the stuck version is in the view; retry from the first record at or above it.
        const stuckAt = error instanceof StuckAt ? error.version : 0;
        const unapplied = delivered.filter((d) => d.version >= stuckAt);
        failed.push(Math.min(...unapplied.map((d) => d.position)));
        write({ level: 'ERROR', message: 'view not advanced', orderId, stuckAt: stuckAt || undefined, error: String(error) });
      }
    }

    if (failed.length === 0) return { batchItemFailures: [] };
    const first = event.Records[Math.min(...failed)];
    return { batchItemFailures: [{ itemIdentifier: first?.dynamodb?.SequenceNumber ?? '' }] };
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
const client = new DynamoDBClient({});
export const handler = createProjector(
  dynamoViews(client, process.env.VIEW_TABLE_NAME ?? ''),
  dynamoEventLog(client, process.env.EVENT_TABLE_NAME ?? ''),
  (line) => console.log(JSON.stringify(line)),
);
