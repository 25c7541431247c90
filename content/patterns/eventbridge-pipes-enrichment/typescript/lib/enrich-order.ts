import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { addAlarm } from './alarm';

/** The enrichment's timeout; the source queue's visibility timeout is six times this. */
export const ENRICHMENT_TIMEOUT = Duration.seconds(10);

export type EnrichOrderProps = { customers: ITableV2; alarmTopic: ITopic };

/** The enrichment step: a function that looks the customer of each order up in the Customers table. */
export function addEnrichOrder(scope: Construct, props: EnrichOrderProps) {
  const logs = new LogGroup(scope, 'EnrichOrderLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });

  // An explicit role instead of the AWS managed basic-execution policy, whose
  // log permissions reach every log group in the account.
  const role = new Role(scope, 'EnrichOrderRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'Order enrichment: write its own logs, batch-read the customers table.',
  });
  logs.grantWrite(role);

  const fn = new NodejsFunction(scope, 'EnrichOrder', {
    role,
    entry: path.join(__dirname, '..', 'lambda', 'enrich-order.ts'),
    description: 'Pipe enrichment: adds the customer profile to each priority order.',
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: ENRICHMENT_TIMEOUT,
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    logGroup: logs,
    environment: { CUSTOMERS_TABLE_NAME: props.customers.tableName },
    // The SDK client is bundled at the version the tests ran against, not taken from the runtime.
    bundling: { minify: true, sourceMap: true, externalModules: [] },
  });
  // Least privilege: the function only ever batch-reads customers.
  props.customers.grant(fn, 'dynamodb:BatchGetItem');

  // Any thrown error fails the whole pipe batch, which SQS then delivers again.
  addAlarm(scope, 'EnrichOrderErrorsAlarm', {
    metric: fn.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
    threshold: 1,
    topic: props.alarmTopic,
    description:
      'The EnrichOrder function failed, so its whole pipe batch went back to the Orders queue. Search EnrichOrderLogs for the error (DynamoDB throttling or a malformed order) and roll back a bad deploy.',
  });

  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'The pipe invokes the function synchronously and retries through the Orders queue; failed messages land in OrdersDlq.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  return { fn, logs };
}
