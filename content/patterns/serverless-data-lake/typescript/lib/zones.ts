import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type BucketProps, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { QUARANTINE_PREFIX } from '../lambda/layout';

/** Settings every bucket of the lake shares: private, encrypted at rest, reachable only over TLS 1.2+. */
export const PRIVATE_BUCKET: BucketProps = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  // SSE-S3: free, and it needs no key policy; see the page for when SSE-KMS is worth its cost.
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  // Demo data: `cdk destroy` empties and removes the buckets.
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
};

/**
 * The lake's two storage zones, in separate buckets so that who may write raw data and who may
 * read curated data are decided by separate policies, plus the bucket their access logs go to.
 */
export class LakeZones extends Construct {
  readonly accessLogs: Bucket;
  readonly raw: Bucket;
  readonly curated: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      // SSE-S3 is also the only default encryption S3 server access logging can deliver into.
      ...PRIVATE_BUCKET,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });

    this.raw = new Bucket(this, 'RawBucket', {
      ...PRIVATE_BUCKET,
      // Raw data is the source of truth every curated file is rebuilt from: an overwrite or a
      // delete can be undone for 30 days.
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'raw/',
      lifecycleRules: [
        {
          id: 'raw-to-infrequent-access',
          // Read once on arrival, then only for a replay.
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }],
        },
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });

    this.curated = new Bucket(this, 'CuratedBucket', {
      ...PRIVATE_BUCKET,
      // Not versioned: every curated object can be rebuilt from raw, and a re-run overwrites its
      // own keys on purpose; versions would only keep stale copies.
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'curated/',
      lifecycleRules: [
        { id: 'expire-quarantine', prefix: QUARANTINE_PREFIX, expiration: Duration.days(90) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }
}
