import { Duration, Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from './zones';

/** Athena stops any query in the workgroup once it has scanned this much: at most $0.05 a query. */
export const BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;

/** The Athena workgroup analysts query the lake through, and the bucket its results go to. */
export class LakeQuery extends Construct {
  readonly results: Bucket;
  readonly workGroupName: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.results = new Bucket(this, 'QueryResults', {
      ...PRIVATE_BUCKET,
      // Result files are copies of data already in the lake; the console keeps the query history.
      lifecycleRules: [{ id: 'expire-query-results', expiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    this.workGroupName = `${Stack.of(this).stackName}-lake`;
    new CfnWorkGroup(this, 'LakeWorkGroup', {
      name: this.workGroupName,
      description: 'Queries over the curated zone: encrypted results, a scan cutoff per query.',
      state: 'ENABLED',
      // Lets `cdk destroy` remove the workgroup even after someone saved queries in it.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot override the result location, its encryption or the cutoff.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.results.bucketName}/athena/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: Stack.of(this).account,
        },
      },
    });
  }
}
