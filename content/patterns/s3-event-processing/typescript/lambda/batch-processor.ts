import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { BATCH_KEY, idempotencyConfig } from './idempotency';
import { type AddTotals, type Row, type Totals, dynamoAddTotals, tally } from './sales';

/** What the Distributed Map's ItemBatcher hands each child execution: the upload, and up to 500 CSV rows. */
export interface RowBatch {
  BatchInput: { uploadId: string; objectKey: string };
  Items: Row[];
}

export interface BatchResult extends Totals {
  uploadId: string;
}

/**
 * Tallies one batch of rows and adds it to the upload's totals, once per batch: a child execution
 * that is retried, or run again by a redrive, finds the stored result instead of adding twice.
 */
export function createBatchHandler(deps: { addTotals: AddTotals; persistenceStore: BasePersistenceLayer }) {
  const processBatch = async (batch: RowBatch, _context: Context): Promise<BatchResult> => {
    const { uploadId, objectKey } = batch.BatchInput ?? {};
    if (!uploadId || !objectKey || !Array.isArray(batch.Items)) throw new Error('A batch must carry BatchInput.uploadId, BatchInput.objectKey and Items');
    const totals = tally(batch.Items);
    await deps.addTotals(uploadId, objectKey, totals, false);
    return { uploadId, ...totals };
  };
  return makeIdempotent(processBatch, { persistenceStore: deps.persistenceStore, config: idempotencyConfig(BATCH_KEY) });
}

export const handler = createBatchHandler({
  addTotals: dynamoAddTotals(new DynamoDBClient({}), process.env.TOTALS_TABLE_NAME ?? ''),
  persistenceStore: new DynamoDBPersistenceLayer({ tableName: process.env.IDEMPOTENCY_TABLE_NAME ?? '' }),
});
