import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { ResultWriterV2, S3JsonItemReader, type WriterConfig } from 'aws-cdk-lib/aws-stepfunctions';

/*
 * CDK's ItemReader and ResultWriter helpers grant the state machine role their S3 actions on
 * `<bucket>/*`, so a workflow that only needs to read manifests could also read (and, through the
 * writer, overwrite) every other object in the bucket. Both classes below keep CDK's rendering of
 * the ASL and replace only the policy statements, scoping each to its own key prefix.
 */

/** Reads a JSON array from one object under `prefix`; may read nothing else. */
export class PrefixScopedJsonReader extends S3JsonItemReader {
  private readonly scopedBucket: IBucket;
  private readonly keyPrefix: string;

  constructor(bucket: IBucket, keyPrefix: string, key: string) {
    super({ bucket, key });
    this.scopedBucket = bucket;
    this.keyPrefix = keyPrefix;
  }

  override providePolicyStatements(): PolicyStatement[] {
    return [new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.scopedBucket.arnForObjects(`${this.keyPrefix}*`)] })];
  }
}

/** Writes Map Run results under `prefix`; may write nowhere else. */
export class PrefixScopedResultWriter extends ResultWriterV2 {
  private readonly scopedBucket: IBucket;
  private readonly keyPrefix: string;

  constructor(bucket: IBucket, keyPrefix: string, writerConfig: WriterConfig) {
    // Step Functions adds the "/" itself: results land at <prefix>/<Map Run id>/...
    super({ bucket, prefix: keyPrefix.replace(/\/+$/, ''), writerConfig });
    this.scopedBucket = bucket;
    this.keyPrefix = keyPrefix;
  }

  override providePolicyStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({
        // The four actions CDK grants for a ResultWriter: multipart upload of the result files, and reading them back.
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.scopedBucket.arnForObjects(`${this.keyPrefix}*`)],
      }),
    ];
  }
}
