import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';

/**
 * How long a processed upload or batch is remembered. S3 and EventBridge redeliver within minutes,
 * and EventBridge keeps retrying a target for up to a day, so a day covers every redelivery.
 * DynamoDB's TTL then deletes the record.
 */
export const REMEMBER_FOR_SECONDS = 24 * 60 * 60;

/** A small file is identified by the write that created it: bucket, key and S3's sequencer for that write. */
export const SMALL_FILE_KEY = 'detail.[bucket.name, object.key, object.sequencer]';

/** A batch is identified by its upload and its rows; a retried or repeated batch carries both unchanged. */
export const BATCH_KEY = '[BatchInput.uploadId, Items]';

export function idempotencyConfig(eventKeyJmesPath: string): IdempotencyConfig {
  return new IdempotencyConfig({
    eventKeyJmesPath,
    expiresAfterSeconds: REMEMBER_FOR_SECONDS,
    // An event without any key field is malformed: fail it rather than process it unprotected.
    throwOnNoIdempotencyKey: true,
  });
}
