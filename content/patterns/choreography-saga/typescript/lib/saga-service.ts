import * as path from 'node:path';
import { Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { type DetailType, EVENT_TYPES, publishedBy } from '../lambda/contract';
import type { Operations } from './operations';

/** EventBridge retries handing an event to a service this often, for at most this long, then parks it in the service's DLQ. */
export const DELIVERY_RETRIES = 4;
export const DELIVERY_MAX_AGE = Duration.hours(1);
/** Lambda retries a handler that threw this often, for events at most this old, then parks a failure record in the same DLQ. */
export const HANDLER_RETRIES = 2;
export const HANDLER_MAX_AGE = Duration.hours(1);

export interface SagaServiceProps {
  /** Orders, Payments or Inventory: the prefix of every construct id the service owns. */
  name: string;
  /** The handler file under lambda/. */
  entry: string;
  /** The source this service publishes under; IAM refuses any other. */
  source: string;
  /** The events this service reacts to: one rule each. */
  reactsTo: DetailType[];
  /** The only DynamoDB actions its function may use, on its own table. */
  tableActions: string[];
  bus: IEventBus;
  ops: Operations;
}

export interface SagaService {
  table: TableV2;
  fn: NodejsFunction;
  dlq: Queue;
  rules: Rule[];
}

/**
 * One service of the saga: its own table, its own function, its own dead-letter queue, and a rule per
 * event it reacts to. Nothing in here knows what the other services do with the events it publishes.
 */
export function addSagaService(stack: Stack, props: SagaServiceProps): SagaService {
  const { name, bus, ops } = props;

  const table = new TableV2(stack, `${name}Table`, {
    partitionKey: { name: 'orderId', type: AttributeType.STRING },
    billing: Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Demo data: nothing is left behind on `cdk destroy`.
    removalPolicy: RemovalPolicy.DESTROY,
  });

  // Both failure hops of this service land here: events EventBridge could not deliver, and
  // invocations Lambda gave up on. One queue per service, so its owners see only their failures.
  const dlq = new Queue(stack, `${name}Dlq`, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });

  const logGroup = new LogGroup(stack, `${name}ServiceLogs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  // An explicit role instead of the managed basic-execution policy, whose log rights reach every log group.
  const role = new Role(stack, `${name}ServiceRole`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `${name} service: its own table, its own events on the saga bus, its own logs.`,
  });
  logGroup.grantWrite(role);

  const fn = new NodejsFunction(stack, `${name}Service`, {
    role,
    logGroup,
    entry: path.join(__dirname, '..', 'lambda', props.entry),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(10),
    tracing: Tracing.ACTIVE,
    loggingFormat: LoggingFormat.JSON,
    environment: { TABLE_NAME: table.tableName, EVENT_BUS_NAME: bus.eventBusName },
    bundling: { minify: true, sourceMap: true },
    // Second hop: the handler received the event and threw (DynamoDB or PutEvents failed, or the event broke the contract).
    retryAttempts: HANDLER_RETRIES,
    maxEventAge: HANDLER_MAX_AGE,
    onFailure: new SqsDestination(dlq),
  });

  // Least privilege: this service's table only, with only the writes its state machine needs.
  table.grant(fn, ...props.tableActions);
  // PutEvents on the saga bus only, and only as itself: a service cannot publish another's events.
  // The operators follow AWS's example bus policy: events:source may hold one value per entry, so it
  // takes ForAllValues, and the Null check stops a request without the key from passing ForAllValues.
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: {
        'ForAllValues:StringEquals': { 'events:source': [props.source] },
        Null: { 'events:source': 'false' },
        StringEquals: { 'events:detail-type': publishedBy(props.source) },
      },
    }),
  );

  const rules = props.reactsTo.map(
    (detailType) =>
      new Rule(stack, `${name}On${detailType}`, {
        eventBus: bus,
        description: `${detailType} from ${EVENT_TYPES[detailType]} to the ${name} service.`,
        // Source and detail type together: an event of the right name from the wrong service does not match.
        eventPattern: { detailType: [detailType], source: [EVENT_TYPES[detailType]] },
        targets: [
          // First hop: EventBridge could not invoke the function at all (throttled, deleted, no permission).
          new LambdaFunction(fn, { retryAttempts: DELIVERY_RETRIES, maxEventAge: DELIVERY_MAX_AGE, deadLetterQueue: dlq }),
        ],
      }),
  );

  ops.queueNotEmpty(
    `${name}DlqAlarm`,
    dlq,
    `An order's saga stopped at the ${name} service: an event was not delivered to ${name}Service, or the handler failed on it three times. ` +
      `Read the message in ${name}Dlq (the event is its body, or requestPayload in a Lambda failure record), fix the cause, then put the event on the bus again.`,
  );
  ops.functionErrors(
    `${name}ServiceErrorsAlarm`,
    fn,
    `${name}Service threw on an event. Lambda retries it twice and then parks it in ${name}Dlq; check ${name}ServiceLogs for the error.`,
  );

  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
  });
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: `An on-failure destination to ${name}Dlq replaces the legacy function DLQ and also records the error.`,
  });
  Validations.of(dlq).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the service; it has nowhere further to send.',
  });
  Validations.of(dlq).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason: 'This queue is itself the dead-letter queue of the service; messages stay 14 days for inspection and replay.',
  });

  return { table, fn, dlq, rules };
}
