import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export const CONSUMER_TIMEOUT = Duration.seconds(10);

/**
 * One consumer function with its own log group and its own role. The role starts empty apart from
 * its log group and X-Ray, instead of the managed basic-execution policy, which can write to every
 * log group in the account; each caller grants the one thing its consumer needs.
 */
export function consumerFunction(scope: Construct, id: string, file: string, description: string, props: Partial<NodejsFunctionProps> = {}): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description });
  logGroup.grantWrite(role);
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return new NodejsFunction(scope, id, {
    role,
    logGroup,
    entry: path.join(__dirname, '..', 'lambda', file),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: CONSUMER_TIMEOUT,
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    bundling: { minify: true, sourceMap: true },
    ...props,
  });
}
