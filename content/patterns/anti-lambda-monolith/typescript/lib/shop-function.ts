import * as path from 'node:path';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export type ShopFunctionProps = {
  /** Handler file under lambda/. esbuild bundles only what it imports. */
  file: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
};

/**
 * A function with a role and a log group of its own. The role is written out instead of using the
 * managed basic-execution policy, whose log permissions reach every log group in the account.
 */
export function shopFunction(scope: Construct, id: string, props: ShopFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: props.description });
  logGroup.grantWrite(role);
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  const fn = new NodejsFunction(scope, id, {
    role,
    logGroup,
    description: props.description,
    entry: path.join(__dirname, '..', 'lambda', props.file),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    environment: props.environment,
    bundling: { minify: true, sourceMap: true },
  });
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
  });
  return fn;
}
