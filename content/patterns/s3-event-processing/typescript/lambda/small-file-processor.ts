import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { SMALL_FILE_KEY, idempotencyConfig } from './idempotency';
import { type AddTotals, type ObjectCreatedDetail, type Totals, dynamoAddTotals, objectKeyOf, parseCsv, tally, uploadIdOf } from './sales';

/** An S3 "Object Created" event as EventBridge delivers it to the function. */
export interface ObjectCreatedEvent {
  'detail-type': string;
  source: string;
  detail: ObjectCreatedDetail;
}

export type ReadObject = (bucket: string, key: string) => Promise<string>;

export interface SmallFileResult extends Totals {
  uploadId: string;
}

export function s3ReadObject(client: S3Client): ReadObject {
  return async (bucket, key) => {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return object.Body.transformToString('utf-8');
  };
}

/**
 * Reads the whole object, tallies its rows and adds them to the upload's totals, once per upload:
 * a redelivered event finds the stored result and returns it without reading or writing anything.
 */
export function createSmallFileHandler(deps: { readObject: ReadObject; addTotals: AddTotals; persistenceStore: BasePersistenceLayer }) {
  const processFile = async (event: ObjectCreatedEvent, _context: Context): Promise<SmallFileResult> => {
    const { bucket, object } = event.detail ?? {};
    // Powertools only refuses an event when every key field is missing; a partial key must not pass either.
    if (!bucket?.name || !object?.key || !object.sequencer) throw new Error('Not an S3 Object Created event: bucket, key or sequencer missing');
    const uploadId = uploadIdOf(event.detail);
    const key = objectKeyOf(object.key);
    const totals = tally(parseCsv(await deps.readObject(bucket.name, key)));
    await deps.addTotals(uploadId, key, totals, true);
    console.log(JSON.stringify({ level: 'INFO', message: 'file processed', uploadId, ...totals }));
    return { uploadId, ...totals };
  };
  return makeIdempotent(processFile, { persistenceStore: deps.persistenceStore, config: idempotencyConfig(SMALL_FILE_KEY) });
}

// Created once per execution environment, so warm invocations reuse the connections.
export const handler = createSmallFileHandler({
  readObject: s3ReadObject(new S3Client({})),
  addTotals: dynamoAddTotals(new DynamoDBClient({}), process.env.TOTALS_TABLE_NAME ?? ''),
  persistenceStore: new DynamoDBPersistenceLayer({ tableName: process.env.IDEMPOTENCY_TABLE_NAME ?? '' }),
});
