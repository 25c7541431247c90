import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type BucketProps, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Athena cancels any query of the workgroup once it has scanned this much: at most half a cent a query. */
export const BYTES_SCANNED_CUTOFF = 1024 ** 3;

/** Where the orders live in the data bucket, and where Athena writes result files in the results bucket. */
export const ORDERS_PREFIX = 'orders/';
export const RESULTS_PREFIX = 'athena/';

/**
 * The report both stacks run. It is fixed: no caller input ever reaches the SQL, so there is
 * nothing to inject into.
 */
export const REPORT_SQL = [
  'SELECT day, currency, count(*) AS orders, round(sum(total), 2) AS revenue',
  'FROM orders',
  'GROUP BY day, currency',
  'ORDER BY day DESC, currency',
  'LIMIT 100',
].join(' ');

const PRIVATE_BUCKET: BucketProps = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  // Demo data: `cdk destroy` empties and removes the buckets.
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
};

/**
 * What the report reads and where it runs, identical in the anti-pattern and in the fix: a bucket
 * of JSON-lines orders, the Glue table that describes them, and an Athena workgroup that caps
 * every query and keeps its results in a bucket of its own. Only how the caller waits differs.
 */
export class ReportData extends Construct {
  readonly orders: Bucket;
  readonly results: Bucket;
  readonly databaseName: string;
  readonly workGroupName: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);

    this.orders = new Bucket(this, 'OrdersBucket', PRIVATE_BUCKET);
    this.results = new Bucket(this, 'QueryResults', {
      ...PRIVATE_BUCKET,
      // Result files are copies of report rows; Athena's query history keeps the SQL and statistics.
      lifecycleRules: [{ id: 'expire-query-results', expiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    for (const bucket of [this.orders, this.results]) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'Demo report data read only through Athena, whose query history and CloudTrail record who ran which query; access logs would add a third bucket.',
      });
    }

    // Glue and Athena names are account-wide in a Region; deriving them from the stack name keeps
    // the two stacks (and two copies of either) apart.
    this.databaseName = `${stack.stackName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_reports`;
    const database = new CfnDatabase(this, 'ReportDatabase', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'Orders the daily revenue report reads.' },
    });
    const location = `s3://${this.orders.bucketName}/${ORDERS_PREFIX}`;
    new CfnTable(this, 'OrdersTable', {
      catalogId: stack.account,
      // Ref of a Glue database is its name; it also orders the table after the database.
      databaseName: database.ref,
      tableInput: {
        name: 'orders',
        description: 'One JSON object per line: order_id, day (yyyy-MM-dd), total, currency.',
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'json' },
        storageDescriptor: {
          location,
          columns: [
            { name: 'order_id', type: 'string' },
            { name: 'day', type: 'string', comment: 'yyyy-MM-dd' },
            { name: 'total', type: 'double' },
            { name: 'currency', type: 'string', comment: 'ISO 4217 code' },
          ],
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
        },
      },
    });

    this.workGroupName = `${stack.stackName}-reports`;
    new CfnWorkGroup(this, 'ReportWorkGroup', {
      name: this.workGroupName,
      description: 'Runs the daily revenue report: SSE-S3 results in the QueryResults bucket, 1 GiB scan cutoff per query.',
      state: 'ENABLED',
      // Lets `cdk destroy` remove the workgroup even after someone saved queries in it.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Callers cannot override the result location, its encryption or the cutoff.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.results.bucketName}/${RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: stack.account,
        },
      },
    });
  }

  /**
   * What running the report needs, and no more: start it in this workgroup, read its status and
   * rows, read the table definition and the orders, and write and read result files.
   */
  grantRunReport(grantee: IGrantable): void {
    const stack = Stack.of(this);
    const add = (statement: PolicyStatement) => grantee.grantPrincipal.addToPrincipalPolicy(statement);
    add(
      new PolicyStatement({
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
        resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })],
      }),
    );
    add(
      new PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/orders` }),
        ],
      }),
    );
    add(new PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucket'], resources: [this.orders.bucketArn, this.results.bucketArn] }));
    add(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.orders.arnForObjects(`${ORDERS_PREFIX}*`)] }));
    add(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.results.arnForObjects(`${RESULTS_PREFIX}*`)],
      }),
    );
    add(new PolicyStatement({ actions: ['s3:ListBucketMultipartUploads'], resources: [this.results.bucketArn] }));
  }
}

/** The two object-level grants of the report, on a role that holds them: objects under orders/ and under athena/. */
export function acknowledgeObjectWildcards(role: Construct, reports: ReportData): void {
  const stack = Stack.of(role);
  for (const [bucket, prefix] of [
    [reports.orders, ORDERS_PREFIX],
    [reports.results, RESULTS_PREFIX],
  ] as const) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>/${prefix}*]`,
      reason: `Object keys under ${prefix} are not known in advance; the grant is limited to that prefix of one bucket.`,
    });
  }
}
