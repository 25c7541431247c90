import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * One single-purpose function with its own role and log group. An explicit role instead of the
 * managed basic-execution policy, which can write to every log group in the account.
 */
export function serviceFunction(
  scope: Construct,
  id: string,
  file: string,
  description: string,
  props: Pick<NodejsFunctionProps, 'environment' | 'retryAttempts' | 'maxEventAge' | 'onFailure'> = {},
): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
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
    timeout: Duration.seconds(10),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    bundling: { minify: true, sourceMap: true },
    ...props,
  });
}

/** Functions behind an HTTP API are invoked synchronously: the caller sees every error. */
export function acknowledgeSynchronous(fn: NodejsFunction): void {
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
  });
}
