import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { ArnFormat, Duration, Names, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { ArtifactsEncryptionMode, Canary, Code, Runtime, Schedule, Test } from 'aws-cdk-lib/aws-synthetics';
import type { Construct } from 'constructs';

/** How often the journey runs: 8,640 runs a month, and a failure is seen within one period. */
export const CANARY_RATE = Duration.minutes(5);
/** Artifacts (HAR, logs, step report) are deleted after this many days, the same as failed-run history. */
export const ARTIFACT_DAYS = 30;

export type JourneyCanary = { canary: Canary; bucket: Bucket; role: Role; canaryName: string };

/**
 * A name for the canary that the role can name before the canary exists. CDK would otherwise
 * generate one the role could only reach through a Ref, which would make the role depend on the
 * canary that depends on the role. Derived from the stack's path: stable, and different per stack.
 * 20 characters: Lambda function names (cwsyn-<name>-<uuid>) leave the canary at most 21.
 */
export function canaryNameFor(stack: Stack): string {
  return `api-journey-${createHash('sha256').update(Names.uniqueId(stack)).digest('hex').slice(0, 8)}`;
}

export function journeyCanary(scope: Construct, props: { apiUrl: string }): JourneyCanary {
  const stack = Stack.of(scope);
  const canaryName = canaryNameFor(stack);

  const bucket = new Bucket(scope, 'CanaryArtifacts', {
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    lifecycleRules: [
      // The run retention periods below only trim the Synthetics console's history; the objects need their own rule.
      { id: 'ExpireRunArtifacts', expiration: Duration.days(ARTIFACT_DAYS) },
      { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    // Demo data: `cdk destroy` empties and deletes the bucket.
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });

  // Written out instead of CDK's default canary role, whose log statement reaches every canary's
  // log group (cwsyn-*). Inline, so the permissions exist before the canary's first run.
  const role = new Role(scope, 'JourneyCanaryRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'JourneyCanary: write its artifacts, its metrics and its own logs; nothing else.',
    inlinePolicies: {
      canary: new PolicyDocument({
        statements: [
          new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('*')] }),
          new PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [bucket.bucketArn] }),
          // Listed as required by Synthetics; S3 has no narrower resource for it.
          new PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }),
          new PolicyStatement({
            actions: ['cloudwatch:PutMetricData'],
            resources: ['*'],
            conditions: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } },
          }),
          new PolicyStatement({
            actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/lambda/cwsyn-${canaryName}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
          }),
        ],
      }),
    },
  });

  const canary = new Canary(scope, 'JourneyCanary', {
    canaryName,
    runtime: Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
    test: Test.custom({ code: Code.fromAsset(path.join(__dirname, '..', 'canary')), handler: 'api-journey.handler' }),
    schedule: Schedule.rate(CANARY_RATE),
    timeout: Duration.minutes(1),
    memory: Size.mebibytes(1024),
    environmentVariables: { API_URL: props.apiUrl },
    role,
    artifactsBucketLocation: { bucket },
    artifactS3EncryptionMode: ArtifactsEncryptionMode.S3_MANAGED,
    successRetentionPeriod: Duration.days(7),
    failureRetentionPeriod: Duration.days(ARTIFACT_DAYS),
    // On delete, Synthetics also removes the Lambda function and layer it made for the canary.
    provisionedResourceCleanup: true,
  });

  return { canary, bucket, role, canaryName };
}
