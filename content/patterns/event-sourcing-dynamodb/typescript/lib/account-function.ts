import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface AccountFunctionProps {
  /** Construct id of the function; its role and log group are `<id>Role` and `<id>Logs`. */
  id: string;
  entry: string;
  description: string;
  environment: Record<string, string>;
}

/**
 * One API-facing function with its own role and log group. An explicit role instead of the AWS managed
 * basic-execution policy, whose log permissions reach every log group in the account.
 */
export function accountFunction(scope: Construct, props: AccountFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${props.id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const role = new Role(scope, `${props.id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: props.description,
  });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, props.id, {
    role,
    entry: path.join(__dirname, '..', 'lambda', props.entry),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(10),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    environment: props.environment,
    bundling: { minify: true, sourceMap: true },
  });
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return fn;
}
