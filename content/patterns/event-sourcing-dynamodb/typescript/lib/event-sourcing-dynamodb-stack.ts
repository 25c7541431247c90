import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, type IMetric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { accountFunction } from './account-function';
import { alarmTopic } from './alarm-topic';

/** Every this many events the command handler stores a snapshot of the account. */
export const SNAPSHOT_EVERY = 50;

export class EventSourcingDynamodbStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The source of truth: one item per event, keyed by account and version. The version is the sort key,
    // so a conditional put on (aggregateId, version) is the concurrency check and a Query replays in order.
    const events = new TableV2(this, 'Events', {
      partitionKey: { name: 'aggregateId', type: AttributeType.STRING },
      sortKey: { name: 'version', type: AttributeType.NUMBER },
      billing: Billing.onDemand(),
      // Events cannot be rebuilt from anything else: keep 35 days of restore points.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`; retain it for real use.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Derived data: the latest state per account, rebuilt from Events whenever it is missing.
    const snapshots = new TableV2(this, 'Snapshots', {
      partitionKey: { name: 'aggregateId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(snapshots).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason: 'Snapshots are a cache of state derived from the Events table, which has point-in-time recovery; a lost snapshot is rebuilt by replaying events.',
    });

    const environment = {
      EVENTS_TABLE_NAME: events.tableName,
      SNAPSHOTS_TABLE_NAME: snapshots.tableName,
      SNAPSHOT_EVERY: String(SNAPSHOT_EVERY),
    };
    const commands = accountFunction(this, {
      id: 'Commands',
      entry: 'commands.ts',
      description: 'Account commands: append events, read events and snapshots, write snapshots.',
      environment,
    });
    const reader = accountFunction(this, {
      id: 'Reader',
      entry: 'reader.ts',
      description: 'Account reads: query events and read snapshots, nothing else.',
      environment: { EVENTS_TABLE_NAME: events.tableName, SNAPSHOTS_TABLE_NAME: snapshots.tableName },
    });
    // Append-only by permission: PutItem (also what a TransactWriteItems put needs) and Query,
    // never UpdateItem or DeleteItem on the events.
    events.grant(commands, 'dynamodb:PutItem', 'dynamodb:Query');
    snapshots.grant(commands, 'dynamodb:GetItem', 'dynamodb:PutItem');
    events.grant(reader, 'dynamodb:Query');
    snapshots.grant(reader, 'dynamodb:GetItem');

    const api = new HttpApi(this, 'Api', { description: 'Bank-account commands and reads over an event store.' });
    api.addRoutes({
      path: '/accounts/{accountId}/{command}',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('CommandsIntegration', commands),
    });
    api.addRoutes({
      path: '/accounts/{accountId}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('ReaderIntegration', reader),
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const stage = api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
      }),
    };
    // Throttle the public endpoint: it bounds Lambda concurrency and the write rate on the tables.
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 100 };

    // Operations: the handlers answer 500 themselves when DynamoDB fails, so the API's 5xx count is the
    // alarm that catches those; the Errors alarms catch crashes and timeouts.
    const topic = alarmTopic(this, 'Event store alarms');
    const notify = new SnsAction(topic);
    const alarm = (alarmId: string, metric: IMetric, alarmDescription: string) =>
      new Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription,
      }).addAlarmAction(notify);
    const fiveMinutes = { statistic: Stats.SUM, period: Duration.minutes(5) };
    alarm(
      'ApiServerErrorsAlarm',
      api.metricServerError(fiveMinutes),
      'The account API answered 5xx. Search CommandsLogs and ReaderLogs for "command failed" or "read failed", and the access log for the requests.',
    );
    alarm('CommandsErrorsAlarm', commands.metricErrors(fiveMinutes), 'The Commands function failed (timeout, crash or bad deploy). Check CommandsLogs.');
    alarm('ReaderErrorsAlarm', reader.metricErrors(fiveMinutes), 'The Reader function failed (timeout, crash or bad deploy). Check ReaderLogs.');

    new CfnOutput(this, 'AlarmTopicArn', { value: topic.topicArn });
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'POST /accounts/{id}/{open|deposit|withdraw}, GET /accounts/{id}' });
    new CfnOutput(this, 'EventsTableName', { value: events.tableName });
    new CfnOutput(this, 'SnapshotsTableName', { value: snapshots.tableName });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The account API is a public demo endpoint; add a JWT or IAM authorizer before real use.',
    });
  }
}
