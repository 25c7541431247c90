import * as path from 'node:path';
import type { Duration} from 'aws-cdk-lib';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export type CheckoutFunctionProps = {
  /** Handler file under lambda/. */
  file: string;
  description: string;
  timeout: Duration;
  environment?: Record<string, string>;
  /** Who invokes the function synchronously, for the DLQ acknowledgement. */
  invokedBy: string;
};

/** A function with its own role and log group: it may log and trace, and the stack grants the rest. */
export function checkoutFunction(scope: Construct, id: string, props: CheckoutFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  // No AWS managed policy: its log permissions reach every log group in the account.
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `${id}: write its own logs and traces; the stack grants the rest.`,
  });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, id, {
    role,
    description: props.description,
    entry: path.join(__dirname, '..', 'lambda', props.file),
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
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: `${props.invokedBy} invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.`,
  });
  return fn;
}

/** An on-demand table keyed by order id, removed with the stack. */
export function orderTable(scope: Construct, id: string): TableV2 {
  return new TableV2(scope, id, {
    partitionKey: { name: 'orderId', type: AttributeType.STRING },
    billing: Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // A demo stack should leave nothing behind on `cdk destroy`.
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
