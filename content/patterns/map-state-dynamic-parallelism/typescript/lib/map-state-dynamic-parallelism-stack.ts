import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeFindings } from './acknowledgements';
import { addAlarms } from './operations';
import { MANIFEST_PREFIX, RESULTS_PREFIX, pricingJob } from './pricing-job';

export class MapStateDynamicParallelismStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Manifests go in under manifests/, Map Run results come out under results/; both expire.
    const bucket = new Bucket(this, 'JobBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [
        { prefix: MANIFEST_PREFIX, expiration: Duration.days(30) },
        { prefix: RESULTS_PREFIX, expiration: Duration.days(30) },
        // The ResultWriter uploads in parts; a run stopped mid-write would leave parts billed forever.
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const workerLogs = new LogGroup(this, 'OrderPricerLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role: the worker prices what it is handed and needs no AWS access beyond its logs and traces.
    const workerRole = new Role(this, 'OrderPricerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Order pricer: write its own logs and traces, nothing else.',
    });
    workerLogs.grantWrite(workerRole);

    const worker = new NodejsFunction(this, 'OrderPricer', {
      role: workerRole,
      entry: path.join(__dirname, '..', 'lambda', 'price-orders.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // A batch of 100 orders takes milliseconds; 30 seconds leaves room without letting a stuck call linger.
      timeout: Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: workerLogs,
      bundling: { minify: true, sourceMap: true },
    });

    const { stateMachine } = pricingJob(this, { bucket, worker });
    addAlarms(this, { stateMachine, worker });

    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn, description: 'Start a pricing job here.' });
    new CfnOutput(this, 'JobBucketName', { value: bucket.bucketName, description: `Upload manifests under ${MANIFEST_PREFIX}; results appear under ${RESULTS_PREFIX}.` });

    acknowledgeFindings(this, { bucket, worker, workerRole, stateMachine });
  }
}
