import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** One audit line: what was removed, when, and whether a caller or TTL removed it. */
export type Removal = {
  pk: string;
  sk: string;
  entityType?: string;
  removedBy: 'ttl' | 'caller';
  /** When DynamoDB wrote the change to the stream, to the second. */
  removedAt?: string;
  /** The item as it was just before it went. */
  item: Record<string, unknown>;
  sequenceNumber: string;
};

export type Emit = (line: Record<string, unknown>) => void;

/** Reads a REMOVE record; undefined for any other event, which the filter should not let through. */
export function toRemoval(record: DynamoDBRecord): Removal | undefined {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (!sequenceNumber) throw new Error('stream record without a sequence number');
  if (record.eventName !== 'REMOVE') return undefined;
  const keys = record.dynamodb?.Keys ? unmarshall(record.dynamodb.Keys as Parameters<typeof unmarshall>[0]) : {};
  if (typeof keys.pk !== 'string' || typeof keys.sk !== 'string') throw new Error(`record ${sequenceNumber} has no pk and sk`);
  const item = record.dynamodb?.OldImage ? unmarshall(record.dynamodb.OldImage as Parameters<typeof unmarshall>[0]) : {};
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  return {
    pk: keys.pk,
    sk: keys.sk,
    entityType: typeof item.entityType === 'string' ? item.entityType : undefined,
    // Only the TTL process deletes as the DynamoDB service principal.
    removedBy: record.userIdentity?.principalId === 'dynamodb.amazonaws.com' ? 'ttl' : 'caller',
    removedAt: typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined,
    item,
    sequenceNumber,
  };
}

export function createHandler(emit: Emit) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      let removal: Removal | undefined;
      try {
        removal = toRemoval(record);
      } catch (error) {
        emit({ level: 'ERROR', message: 'unreadable removal record', error: String(error) });
        // Report the first unreadable record; Lambda retries the batch from there.
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
      if (removal) emit({ level: 'INFO', message: 'item removed', ...removal });
      else emit({ level: 'WARN', message: 'not a removal, ignored', sequenceNumber: record.dynamodb?.SequenceNumber });
    }
    return { batchItemFailures: [] };
  };
}

// One JSON object per line on stdout: the audit log group keeps it as written. String and
// number sets come out of unmarshall as Set, which JSON would write as {}.
const toJson = (_key: string, value: unknown) => (value instanceof Set ? [...value] : value);
export const handler = createHandler((line) => process.stdout.write(`${JSON.stringify(line, toJson)}\n`));
