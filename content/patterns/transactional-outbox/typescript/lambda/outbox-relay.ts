import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { OutboxItem } from './outbox-item';

/** PutEvents accepts at most ten entries per call. */
export const PUT_EVENTS_LIMIT = 10;

/** Turns one stream record (an outbox INSERT) into a PutEvents entry; throws on anything else. */
export function toEntry(record: DynamoDBRecord, busName: string): PutEventsRequestEntry {
  const seq = record.dynamodb?.SequenceNumber;
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) throw new Error(`record ${seq} is not an outbox insert`);
  // aws-lambda and the SDK each declare their own AttributeValue type; the wire format is the same.
  const item = unmarshall(record.dynamodb.NewImage as Parameters<typeof unmarshall>[0]) as Partial<OutboxItem>;
  if (!item.eventId || !item.source || !item.eventType || typeof item.detail !== 'string' || !item.occurredAt) {
    throw new Error(`record ${seq} is not a complete outbox item`);
  }
  return {
    EventBusName: busName,
    Source: item.source,
    DetailType: item.eventType,
    // Published exactly as the writer stored it; detail.eventId is the outbox item's id.
    Detail: item.detail,
    Time: new Date(item.occurredAt),
  };
}

type Sender = { send(command: PutEventsCommand): Promise<{ FailedEntryCount?: number; Entries?: PutEventsResultEntry[] }> };
type Log = (line: Record<string, unknown>) => void;

export type RelayDeps = { client: Sender; busName: string; log?: Log };

export function createHandler({ client, busName, log = () => {} }: RelayDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = event.Records;
    let published = 0;
    // Stream order is kept by publishing in chunks, one after the other, and stopping at the
    // first record that did not make it: Lambda retries the shard from that record onwards.
    for (let start = 0; start < records.length; start += PUT_EVENTS_LIMIT) {
      const chunk = records.slice(start, start + PUT_EVENTS_LIMIT);
      const entries: PutEventsRequestEntry[] = [];
      for (const record of chunk) {
        try {
          entries.push(toEntry(record, busName));
        } catch (error) {
          log({ level: 'ERROR', message: 'unreadable outbox record', error: String(error) });
          break;
        }
      }
      // entries[i] belongs to chunk[i]; a record that could not be read cuts the chunk short.
      let failedAt = entries.length < chunk.length ? entries.length : -1;
      if (entries.length > 0) {
        try {
          const result = await client.send(new PutEventsCommand({ Entries: entries }));
          if ((result.FailedEntryCount ?? 0) > 0) {
            const first = (result.Entries ?? []).findIndex((e) => e.ErrorCode);
            const rejected = (result.Entries ?? []).filter((e) => e.ErrorCode).map((e) => e.ErrorCode);
            log({ level: 'WARN', message: 'PutEvents rejected entries', failedEntryCount: result.FailedEntryCount, errorCodes: rejected });
            // A count without a marked entry is treated as the whole chunk failing.
            failedAt = Math.min(first === -1 ? 0 : first, failedAt === -1 ? Infinity : failedAt);
          }
        } catch (error) {
          log({ level: 'WARN', message: 'PutEvents call failed', error: String(error) });
          failedAt = 0;
        }
      }
      if (failedAt !== -1) {
        published += failedAt;
        log({ level: 'INFO', message: 'outbox batch relayed in part', published, retryFrom: chunk[failedAt]?.dynamodb?.SequenceNumber });
        return { batchItemFailures: [{ itemIdentifier: chunk[failedAt]?.dynamodb?.SequenceNumber ?? '' }] };
      }
      published += chunk.length;
    }
    log({ level: 'INFO', message: 'outbox batch relayed', published });
    return { batchItemFailures: [] };
  };
}

export const handler = createHandler({
  client: new EventBridgeClient({}),
  busName: process.env.EVENT_BUS_NAME ?? '',
  log: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
});
