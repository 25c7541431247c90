import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
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
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoPutItem, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { checkoutFunction, orderTable } from './checkout-function';

/** Transient Lambda service errors worth another attempt. */
export const LAMBDA_TRANSIENT_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

/**
 * The fix: no function calls another. An Express workflow, started synchronously so the caller
 * still gets its answer, runs the steps and retries each one on its own terms. It waits for a
 * step at Express rates, a fraction of what a 256 MB function pays to wait.
 */
export class CheckoutWorkflowStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const orders = orderTable(this, 'Orders');
    const payments = orderTable(this, 'Payments');

    const priceOrder = checkoutFunction(this, 'PriceOrder', {
      file: 'price-order.ts',
      description: 'Checks an order against the price list and prices it.',
      timeout: Duration.seconds(3),
      invokedBy: 'Step Functions',
    });
    const chargePayment = checkoutFunction(this, 'ChargePayment', {
      file: 'charge-payment.ts',
      description: 'Charges the card (stand-in processor) and records the payment once per order.',
      timeout: Duration.seconds(10),
      environment: { PAYMENTS_TABLE_NAME: payments.tableName },
      invokedBy: 'Step Functions',
    });
    payments.grant(chargePayment, 'dynamodb:PutItem');

    // Whatever still fails after its step's retries ends here, with the step's error and cause.
    const failed = Fail.jsonata(this, 'Checkout failed', { error: '{% $states.input.Error %}', cause: '{% $states.input.Cause %}' });

    const price = LambdaInvoke.jsonata(this, 'Price order', {
      lambdaFunction: priceOrder,
      outputs: '{% $states.result.Payload %}',
      // Kept for the later steps without threading it through every output.
      assign: { order: '{% $states.result.Payload.order %}' },
      retryOnServiceExceptions: false,
      taskTimeout: Timeout.duration(Duration.seconds(5)),
    });
    price.addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, interval: Duration.seconds(1), maxAttempts: 2, backoffRate: 2, jitterStrategy: JitterType.FULL });
    price.addCatch(failed, { errors: ['States.ALL'], outputs: '{% $states.errorOutput %}' });

    const charge = LambdaInvoke.jsonata(this, 'Charge payment', {
      lambdaFunction: chargePayment,
      // The step sends only what a charge needs; the workflow, not a function, now waits for it.
      payload: TaskInput.fromObject({ orderId: '{% $order.orderId %}', amountCents: '{% $order.totalCents %}', cardToken: '{% $order.cardToken %}' }),
      outputs: '{% $states.result.Payload %}',
      retryOnServiceExceptions: false,
      taskTimeout: Timeout.duration(Duration.seconds(15)),
    });
    // ChargePayment records one charge per order id, so a retry after any error cannot charge twice.
    charge.addRetry({ errors: [...LAMBDA_TRANSIENT_ERRORS, 'States.TaskFailed', 'States.Timeout'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });
    charge.addCatch(failed, { errors: ['States.ALL'], outputs: '{% $states.errorOutput %}' });

    const save = DynamoPutItem.jsonata(this, 'Save order', {
      table: orders,
      item: {
        orderId: DynamoAttributeValue.fromString('{% $order.orderId %}'),
        status: DynamoAttributeValue.fromString('PAID'),
        totalCents: DynamoAttributeValue.numberFromString('{% $string($order.totalCents) %}'),
        items: DynamoAttributeValue.fromString('{% $string($order.items) %}'),
        paymentId: DynamoAttributeValue.fromString('{% $states.input.paymentId %}'),
        placedAt: DynamoAttributeValue.fromString('{% $now() %}'),
      },
      outputs: "{% {'status': 'accepted', 'orderId': $order.orderId, 'totalCents': $order.totalCents, 'paymentId': $states.input.paymentId} %}",
    });
    // Writing the same item again is harmless, so any failed write is retried.
    save.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(1), maxAttempts: 4, backoffRate: 2, jitterStrategy: JitterType.FULL });
    save.addCatch(failed, { errors: ['States.ALL'], outputs: '{% $states.errorOutput %}' });

    // Bad orders and declined cards are answers, not faults: they succeed with their status.
    const rejected = Succeed.jsonata(this, 'Order rejected', { outputs: "{% {'status': 'rejected', 'reasons': $states.input.reasons} %}" });
    const declined = Succeed.jsonata(this, 'Payment declined', { outputs: "{% {'status': 'declined', 'orderId': $states.input.orderId, 'reason': $states.input.reason} %}" });
    const placed = Succeed.jsonata(this, 'Order placed');

    const definition = price.next(
      Choice.jsonata(this, 'Priced?')
        .when(Condition.jsonata('{% $states.input.valid = false %}'), rejected)
        .otherwise(
          charge.next(
            Choice.jsonata(this, 'Approved?')
              .when(Condition.jsonata("{% $states.input.status = 'declined' %}"), declined)
              .otherwise(save.next(placed)),
          ),
        ),
    );

    const workflowLogs = new LogGroup(this, 'CheckoutWorkflowLogs', {
      // The vended-logs prefix keeps the account's log resource policy small as workflows are added.
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-CheckoutWorkflow`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const workflow = new StateMachine(this, 'CheckoutWorkflow', {
      stateMachineType: StateMachineType.EXPRESS,
      queryLanguage: QueryLanguage.JSONATA,
      definitionBody: DefinitionBody.fromChainable(definition),
      comment: 'Prices an order, charges the card and saves the order; each step retries on its own.',
      // Room for every retry of every step; Express workflows stop at five minutes anyway.
      timeout: Duration.minutes(2),
      tracingEnabled: true,
      // Express workflows keep no history of their own: these logs are it. Every state change is
      // logged, without the data, because the input carries the card token.
      logs: { destination: workflowLogs, level: LogLevel.ALL, includeExecutionData: false },
    });

    this.alarms(workflow);

    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachineArn });
    new CfnOutput(this, 'OrdersTableName', { value: orders.tableName });
    new CfnOutput(this, 'PaymentsTableName', { value: payments.tableName });

    Validations.of(workflow).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.',
    });
    for (const fn of [priceOrder, chargePayment]) {
      Validations.of(workflow).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: `The workflow may invoke any version or alias of ${fn.node.id}, and only that function.`,
      });
    }
  }

  /** Declines and rejections succeed, so a failed or timed-out execution is always worth a person's look. */
  private alarms(workflow: StateMachine): void {
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'Checkout workflow alarms', enforceSSL: true });
    const email: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof email === 'string' && email.length > 0) {
      Validations.of(topic.addSubscription(new EmailSubscription(email))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    const notify = new SnsAction(topic);
    new Alarm(this, 'CheckoutFailedAlarm', {
      metric: workflow.metricFailed({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A checkout failed after its step retries and the caller got the error. Search CheckoutWorkflowLogs for ExecutionFailed and the step that failed; a retry with the same orderId charges nothing twice.',
    }).addAlarmAction(notify);
    new Alarm(this, 'CheckoutTimedOutAlarm', {
      metric: workflow.metricTimedOut({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'A checkout ran past its 2-minute timeout. Check the step durations in CheckoutWorkflowLogs and X-Ray.',
    }).addAlarmAction(notify);
  }
}
