import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type CfnFunction, RecursiveLoop } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  JitterType,
  LogLevel,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  Succeed,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { archiveBucket, countPageFunction } from './inventory-parts';

/**
 * Most pages one execution walks. A Standard execution holds at most 25,000 history events and each
 * page costs about seven (five for the Lambda task, two for the Choice), so 2,000 pages (2 million
 * keys) leaves room for retries. Larger listings belong in a Distributed Map or S3 Inventory.
 */
export const MAX_PAGES = 2000;

/** Transient Lambda service errors worth another attempt; a bug in our code is not one of them. */
export const LAMBDA_TRANSIENT_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

/** THE FIX: Step Functions drives the page loop; the function counts one page and returns. */
export class InventoryWorkflowStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const archive = archiveBucket(this);
    const { fn: countPage } = countPageFunction(this, {
      archive,
      entry: 'count-page.ts',
      description: 'Counts one page of the archive listing and returns the cursor of the next.',
      // The default, written out: if a loop ever forms around this function, Lambda stops it.
      recursiveLoop: RecursiveLoop.TERMINATE,
    });

    const count = LambdaInvoke.jsonata(this, 'Count page', {
      lambdaFunction: countPage,
      comment: 'Takes { prefix, cursor?, totals } and returns the same shape after one page.',
      outputs: '{% $states.result.Payload %}',
      retryOnServiceExceptions: false,
      taskTimeout: Timeout.duration(Duration.minutes(1)),
    });
    count.addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });

    const tooMany = Fail.jsonata(this, 'Too many pages', {
      error: 'TooManyPages',
      cause: `The listing has more than ${MAX_PAGES} pages; use a Distributed Map or S3 Inventory for a prefix this large.`,
    });
    const done = Succeed.jsonata(this, 'Inventory done', { outputs: '{% $states.input %}' });
    const more = Choice.jsonata(this, 'More pages?', { comment: 'Loop while S3 returned a cursor, up to the page cap.' })
      .when(Condition.jsonata(`{% $exists($states.input.cursor) and $states.input.totals.pages >= ${MAX_PAGES} %}`), tooMany)
      .when(Condition.jsonata('{% $exists($states.input.cursor) %}'), count)
      .otherwise(done);

    const inventoryLogs = new LogGroup(this, 'InventoryLogs', {
      // The vended-logs prefix keeps the log resource policy small as workflows are added.
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-Inventory`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const inventory = new StateMachine(this, 'Inventory', {
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSONATA,
      definitionBody: DefinitionBody.fromChainable(count.next(more)),
      comment: 'Counts the objects and bytes under a prefix of the archive, one page per Lambda invocation.',
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: { destination: inventoryLogs, level: LogLevel.ALL, includeExecutionData: false },
    });

    // Operations: a failed or timed-out inventory is the only failure a reader needs to hear about;
    // Lambda errors are retried by the workflow and end up here when they persist.
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Recursive Lambda fix alarms', enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    const notify = new SnsAction(alarmTopic);
    const whenAny = { threshold: 1, evaluationPeriods: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: TreatMissingData.NOT_BREACHING };
    new Alarm(this, 'InventoryFailedAlarm', {
      metric: inventory.metricFailed({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      ...whenAny,
      alarmDescription: 'An inventory failed: a page kept failing after three attempts, the input was bad, or the listing passed the page cap. The execution history names the state and the error.',
    }).addAlarmAction(notify);
    new Alarm(this, 'InventoryTimedOutAlarm', {
      metric: inventory.metricTimedOut({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      ...whenAny,
      alarmDescription: 'An inventory ran for two hours without finishing. Check the execution history for slow pages or throttling.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'ArchiveBucketName', { value: archive.bucketName });
    new CfnOutput(this, 'InventoryStateMachineArn', { value: inventory.stateMachineArn, description: 'Start an execution with {"prefix": ""}.' });

    const countPageArn = `<${this.getLogicalId(countPage.node.defaultChild as CfnFunction)}.Arn>`;
    Validations.of(countPage).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Only the state machine invokes it, synchronously; failures are retried and recorded there, so a DLQ would never receive anything.',
    });
    Validations.of(inventory).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.' },
      { id: `AwsSolutions-IAM5[Resource::${countPageArn}:*]`, reason: 'The workflow may invoke any version of the CountPage function, and only that function.' },
    );
  }
}
