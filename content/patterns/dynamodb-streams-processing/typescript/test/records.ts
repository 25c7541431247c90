import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

export type Item = Record<string, unknown>;

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2026-12-05T00:00:00.000';

/**
 * A stream record shaped as Lambda delivers it from a NEW_AND_OLD_IMAGES stream: the event name
 * follows from which images exist, keys come from the item, and TTL deletions carry the
 * DynamoDB service as their user identity.
 */
export function streamRecord(seq: string, before?: Item, after?: Item, opts: { ttl?: boolean } = {}): DynamoDBRecord {
  const item = after ?? before;
  if (!item) throw new Error('a record needs at least one image');
  const eventName = !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY';
  return {
    eventID: `evt-${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1796428800,
      Keys: marshall({ pk: item.pk, sk: item.sk }),
      ...(after ? { NewImage: marshall(after, { removeUndefinedValues: true }) } : {}),
      ...(before ? { OldImage: marshall(before, { removeUndefinedValues: true }) } : {}),
      SequenceNumber: seq,
      SizeBytes: 120,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: STREAM_ARN,
    ...(opts.ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
  } as DynamoDBRecord;
}

export const order = (customer: string, id: string, fields: { status: string; totalCents: number; version: number }): Item => ({
  pk: `CUSTOMER#${customer}`,
  sk: `ORDER#${id}`,
  entityType: 'ORDER',
  ...fields,
});

export const profile = (customer: string, name: string): Item => ({
  pk: `CUSTOMER#${customer}`,
  sk: 'PROFILE',
  entityType: 'CUSTOMER',
  name,
});

export const cart = (customer: string, items: number): Item => ({
  pk: `CUSTOMER#${customer}`,
  sk: 'CART',
  entityType: 'CART',
  items,
  expiresAt: 1796432400,
});
