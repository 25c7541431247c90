import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, type RecursiveLoop, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** The bucket both stacks take an inventory of: private, encrypted, emptied and removed on `cdk destroy`. */
export function archiveBucket(scope: Construct): Bucket {
  const archive = new Bucket(scope, 'Archive', {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });
  Validations.of(archive).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'A demo bucket the inventory only lists; access logs would need a second bucket, and CloudTrail data events can be turned on where an access record is required.',
  });
  return archive;
}

/**
 * The function that counts one page of the listing, with its own role and log group. Its role may
 * list the archive and nothing else; each stack adds what its design needs on top.
 */
export function countPageFunction(
  scope: Construct,
  props: { archive: Bucket; entry: string; description: string; environment?: Record<string, string>; recursiveLoop: RecursiveLoop },
): { fn: NodejsFunction; role: Role } {
  const logs = new LogGroup(scope, 'CountPageLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  // An explicit role instead of the AWS managed basic-execution policy, whose log permissions
  // reach every log group in the account.
  const role = new Role(scope, 'CountPageRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: props.description });
  logs.grantWrite(role);
  role.addToPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.archive.bucketArn] }));
  const fn = new NodejsFunction(scope, 'CountPage', {
    role,
    description: props.description,
    entry: path.join(__dirname, '..', 'lambda', props.entry),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(30),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup: logs,
    recursiveLoop: props.recursiveLoop,
    environment: { ARCHIVE_BUCKET_NAME: props.archive.bucketName, ...props.environment },
    bundling: { minify: true, sourceMap: true },
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return { fn, role };
}
