import * as path from 'node:path';
import type { Duration} from 'aws-cdk-lib';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface LoggedFunctionProps {
  /** File name under lambda/. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly environment?: Record<string, string>;
  /** Why this function needs no dead-letter queue (cdk-nag Serverless-LambdaDLQ). */
  readonly noDlqBecause: string;
}

/**
 * A Node.js 24 function on arm64 with its own log group (one-month retention) and its own role.
 * The role is written out instead of using the AWS managed basic-execution policy, whose log
 * permissions reach every log group in the account; callers add what else the function needs.
 */
export function loggedFunction(scope: Construct, id: string, props: LoggedFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: props.description });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, id, {
    role,
    description: props.description,
    entry: path.join(__dirname, '..', 'lambda', props.entry),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: props.timeout,
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    environment: props.environment,
    bundling: { minify: true, sourceMap: true },
  });
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: props.noDlqBecause });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return fn;
}
