import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CsvHeaders, ResultWriterV2, S3CsvItemReader, type WriterConfig } from 'aws-cdk-lib/aws-stepfunctions';

/**
 * The Distributed Map's CSV reader, allowed to read only under one prefix of the bucket.
 * CDK's own reader grants s3:GetObject on the whole bucket; this one narrows it to `prefix`.
 */
export class PrefixScopedCsvReader extends S3CsvItemReader {
  constructor(
    private readonly readBucket: IBucket,
    private readonly prefix: string,
    key: string,
  ) {
    super({ bucket: readBucket, key, csvHeaders: CsvHeaders.useFirstRow() });
  }

  override providePolicyStatements(): PolicyStatement[] {
    return [new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.readBucket.arnForObjects(`${this.prefix}*`)] })];
  }
}

/**
 * Writes the Map Run's results under one prefix of the bucket, and may touch nothing else.
 * CDK's own writer grants its four actions on the whole bucket.
 */
export class PrefixScopedResultWriter extends ResultWriterV2 {
  constructor(
    private readonly writeBucket: IBucket,
    private readonly writePrefix: string,
    writerConfig: WriterConfig,
  ) {
    super({ bucket: writeBucket, prefix: writePrefix.replace(/\/$/, ''), writerConfig });
  }

  override providePolicyStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.writeBucket.arnForObjects(`${this.writePrefix}*`)],
      }),
    ];
  }
}
