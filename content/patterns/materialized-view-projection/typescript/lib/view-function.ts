import * as path from 'node:path';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface ViewFunctionProps {
  /** Construct id of the function; its role and log group are `<id>Role` and `<id>Logs`. */
  id: string;
  /** Handler file under lambda/. */
  entry: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  /** Why no dead-letter queue on the function itself (cdk-nag Serverless-LambdaDLQ). */
  noDlqReason: string;
}

/**
 * One function with its own role and log group. An explicit role instead of the AWS managed
 * basic-execution policy, whose log permissions reach every log group in the account; the caller
 * adds exactly the table rights the function needs.
 */
export function viewFunction(scope: Construct, props: ViewFunctionProps): { fn: NodejsFunction; role: Role } {
  const logGroup = new LogGroup(scope, `${props.id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const role = new Role(scope, `${props.id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: props.description });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, props.id, {
    role,
    description: props.description,
    entry: path.join(__dirname, '..', 'lambda', props.entry),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup,
    environment: props.environment,
    // Bundle the SDK and the marshalling helper rather than rely on the copy inside the runtime.
    bundling: { minify: true, sourceMap: true, externalModules: [] },
  });
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason: props.noDlqReason });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return { fn, role };
}
