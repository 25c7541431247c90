import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefinitionBody, LogLevel, QueryLanguage, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { orderCheckDefinition } from './order-check-definition';

/** The Pass states a branch falls back to when its check could not answer. */
export const DEGRADED_STATES = ['Fraud score unavailable', 'Shipping quote unavailable'];

export class ParallelExecutionStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // One item per product: { sku, available }. Read by the workflow itself, never by a function.
    const stock = new TableV2(this, 'Stock', {
      partitionKey: { name: 'sku', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const fraudScorer = this.checkFunction('FraudScorer', 'fraud-scorer.ts', 'Scores an order for fraud risk from its value, account age and addresses.');
    const shippingQuoter = this.checkFunction('ShippingQuoter', 'shipping-quoter.ts', 'Quotes shipping for an order by destination zone and weight.');

    const flowLogs = new LogGroup(this, 'OrderCheckLogs', {
      // The vended-logs prefix keeps the account's CloudWatch Logs resource policy small as workflows are added.
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-OrderCheck`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const orderCheck = new StateMachine(this, 'OrderCheck', {
      // Express: the checks are reads that are safe to repeat, the caller waits for the answer, and a run takes
      // well under a second, so per-request pricing beats Standard's per-transition pricing many times over.
      stateMachineType: StateMachineType.EXPRESS,
      queryLanguage: QueryLanguage.JSONATA,
      definitionBody: DefinitionBody.fromChainable(orderCheckDefinition(this, { fraudScorer, shippingQuoter, stock })),
      comment: 'Checks fraud, stock and shipping for an order at once, then approves, rejects or holds it for review.',
      // Longer than the slowest branch with all its retries (12 s), short enough for a waiting checkout.
      timeout: Duration.seconds(15),
      tracingEnabled: true,
      // Express workflows keep no execution history: these logs are it, and the degraded-checks alarm reads them.
      logs: { destination: flowLogs, level: LogLevel.ALL, includeExecutionData: true },
    });

    this.alarms(orderCheck, flowLogs);

    new CfnOutput(this, 'StateMachineArn', { value: orderCheck.stateMachineArn, description: 'Start with aws stepfunctions start-sync-execution.' });
    new CfnOutput(this, 'StockTableName', { value: stock.tableName });
    new CfnOutput(this, 'FlowLogGroup', { value: flowLogs.logGroupName });

    Validations.of(orderCheck).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.',
    });
    for (const fn of [fraudScorer, shippingQuoter]) {
      Validations.of(orderCheck).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: `The workflow may invoke any version or alias of ${fn.node.id}, and only that function.`,
      });
    }
  }

  /**
   * Failed, timed-out and throttled executions mean the check gave no answer. A degraded check still answers, but
   * sends orders to a person, so it is counted from the workflow's log and alarmed too.
   */
  private alarms(orderCheck: StateMachine, flowLogs: LogGroup): void {
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'Parallel Execution alarms', enforceSSL: true });
    const email = this.node.tryGetContext('alarmEmail');
    if (typeof email === 'string' && email !== '') {
      Validations.of(topic.addSubscription(new EmailSubscription(email))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1/month, and alarm notifications carry only alarm names and states.',
    });
    const notify = new SnsAction(topic);
    const alarm = (id: string, metric: IMetric, alarmDescription: string) =>
      new Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription,
      }).addAlarmAction(notify);
    const period = Duration.minutes(5);

    alarm(
      'OrderCheckFailedAlarm',
      orderCheck.metricFailed({ statistic: Stats.SUM, period }),
      'An OrderCheck execution failed: the stock read kept failing, or an order was invalid or hit a bug. Search OrderCheckLogs for ExecutionFailed and read the error and cause.',
    );
    alarm(
      'OrderCheckTimedOutAlarm',
      orderCheck.metricTimedOut({ statistic: Stats.SUM, period }),
      'An OrderCheck execution hit its 15-second timeout and the caller got no decision. Check the functions and the Stock table in X-Ray.',
    );
    alarm(
      'OrderCheckThrottledAlarm',
      orderCheck.metricThrottled({ statistic: Stats.SUM, period }),
      'Step Functions throttled OrderCheck state transitions. Look at the execution rate and the account quotas.',
    );

    const degraded = new MetricFilter(this, 'DegradedChecksFilter', {
      logGroup: flowLogs,
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.type', '=', 'PassStateEntered'),
        FilterPattern.any(...DEGRADED_STATES.map((name) => FilterPattern.stringValue('$.details.name', '=', name))),
      ),
      metricNamespace: 'ParallelExecution',
      metricName: 'DegradedChecks',
      metricValue: '1',
      defaultValue: 0,
    });
    alarm(
      'DegradedChecksAlarm',
      degraded.metric({ statistic: Stats.SUM, period }),
      'The fraud scorer or the shipping quoter stayed unavailable after its retries and orders went to review. Check FraudScorerLogs and ShippingQuoterLogs.',
    );
  }

  /** A small function the workflow calls synchronously, with its own role and log group. */
  private checkFunction(id: string, file: string, description: string): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // No AWS managed policy: these functions call no AWS API, so they may only log and trace.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: write its own logs and traces, nothing else.`,
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      role,
      description,
      entry: path.join(__dirname, '..', 'lambda', file),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // A backstop only: the workflow gives up on a call after 3 seconds.
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      bundling: { minify: true, sourceMap: true },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Step Functions invokes the function synchronously and handles its errors with Retry and Catch; a DLQ only applies to async invokes.',
    });
    return fn;
  }
}
