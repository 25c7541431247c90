import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpIntegrationSubtype, HttpMethod, ParameterMapping } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpStepFunctionsIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
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

/** Transient Lambda service errors worth another attempt; a bug in our code is not one of them. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

export class TheStateMachineStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const validator = this.orderFunction('OrderValidator', 'validate-order.ts', 'Checks an order against the menu and the delivery rules.');
    const deliveryPlanner = this.orderFunction('DeliveryPlanner', 'plan-delivery.ts', 'Prices a delivery order and promises an arrival time.');
    const pickupPlanner = this.orderFunction('PickupPlanner', 'plan-pickup.ts', 'Times a pickup order and issues its pickup code.');

    // Rejected orders are an expected outcome and get their own error name and reasons.
    const rejected = Fail.jsonata(this, 'Order rejected', {
      error: 'OrderRejected',
      cause: "{% $exists($states.input.reasons) ? $join($states.input.reasons, '; ') : 'The order has no fulfilment we offer.' %}",
    });
    // Anything that still fails after the retries ends here, keeping the original error.
    const failed = Fail.jsonata(this, 'Order failed', {
      error: '{% $states.input.Error %}',
      cause: '{% $states.input.Cause %}',
    });

    const step = (id: string, fn: NodejsFunction, comment: string) => {
      const task = LambdaInvoke.jsonata(this, id, {
        lambdaFunction: fn,
        comment,
        outputs: '{% $states.result.Payload %}',
        // The explicit Retry below replaces CDK's default of six attempts, which
        // would not fit inside the HTTP API's 30-second integration timeout.
        retryOnServiceExceptions: false,
        taskTimeout: Timeout.duration(Duration.seconds(5)),
      });
      task.addRetry({
        errors: LAMBDA_TRANSIENT_ERRORS,
        interval: Duration.seconds(1),
        maxAttempts: 2,
        backoffRate: 2,
        jitterStrategy: JitterType.FULL,
      });
      task.addCatch(failed, { errors: ['States.ALL'], outputs: '{% $states.errorOutput %}' });
      return task;
    };

    const validate = step('Validate order', validator, 'Returns { valid, order } or { valid: false, reasons }.');
    const planDelivery = step('Plan delivery', deliveryPlanner, 'Adds the delivery fee and an arrival time.');
    const planPickup = step('Plan pickup', pickupPlanner, 'Adds the ready time and a pickup code.');
    const accepted = Succeed.jsonata(this, 'Order accepted');

    const route = Choice.jsonata(this, 'Route order', { comment: 'Bad orders fail; good ones branch on fulfilment.' })
      .when(Condition.jsonata('{% $states.input.valid = false %}'), rejected, { comment: 'Validation found problems' })
      .when(Condition.jsonata("{% $states.input.order.fulfilment = 'delivery' %}"), planDelivery.next(accepted), {
        outputs: '{% $states.input.order %}',
      })
      .when(Condition.jsonata("{% $states.input.order.fulfilment = 'pickup' %}"), planPickup.next(accepted), {
        outputs: '{% $states.input.order %}',
      })
      .otherwise(rejected);

    const flowLogs = new LogGroup(this, 'OrderFlowLogs', {
      // The vended-logs prefix keeps the log resource policy small as workflows are added.
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-OrderFlow`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const orderFlow = new StateMachine(this, 'OrderFlow', {
      stateMachineType: StateMachineType.EXPRESS,
      queryLanguage: QueryLanguage.JSONATA,
      definitionBody: DefinitionBody.fromChainable(validate.next(route)),
      comment: 'Validates a pizza order, rejects bad ones and plans delivery or pickup for the rest.',
      // Finish, or time out, before API Gateway stops waiting at 30 seconds.
      timeout: Duration.seconds(25),
      tracingEnabled: true,
      // Express workflows keep no execution history of their own: these logs are it.
      logs: { destination: flowLogs, level: LogLevel.ALL, includeExecutionData: true },
    });

    const api = new HttpApi(this, 'Api', { description: 'Takes pizza orders and answers with the workflow result.' });
    api.addRoutes({
      path: '/orders',
      methods: [HttpMethod.POST],
      integration: new HttpStepFunctionsIntegration('StartOrderFlow', {
        stateMachine: orderFlow,
        subtype: HttpIntegrationSubtype.STEPFUNCTIONS_START_SYNC_EXECUTION,
        // The default mapping sends only the ARN; the request body becomes the execution input.
        parameterMapping: new ParameterMapping()
          .custom('StateMachineArn', orderFlow.stateMachineArn)
          .custom('Input', '$request.body'),
      }),
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
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
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 20, throttlingRateLimit: 50 };

    this.alarms(orderFlow, flowLogs);

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'POST orders to <ApiUrl>/orders.' });
    new CfnOutput(this, 'StateMachineArn', { value: orderFlow.stateMachineArn });
    new CfnOutput(this, 'FlowLogGroup', { value: flowLogs.logGroupName });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The order endpoint is a public demo; put a JWT or IAM authorizer on the route before taking real orders.',
    });
    Validations.of(orderFlow).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CDK grants log delivery and X-Ray writes to the workflow role; neither API accepts a narrower resource.',
    });
    for (const fn of [validator, deliveryPlanner, pickupPlanner]) {
      Validations.of(orderFlow).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: `The workflow may invoke any version or alias of ${fn.node.id}, and only that function.`,
      });
    }
  }

  /**
   * Tells a person when orders break rather than get rejected: a rejected order is a normal answer, so the
   * alarms count only executions that end in Order failed and executions that time out.
   */
  private alarms(orderFlow: StateMachine, flowLogs: LogGroup): void {
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'The State Machine alarms', enforceSSL: true });
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

    const broken = new MetricFilter(this, 'OrderFailedFilter', {
      logGroup: flowLogs,
      filterPattern: FilterPattern.all(FilterPattern.stringValue('$.type', '=', 'FailStateEntered'), FilterPattern.stringValue('$.details.name', '=', 'Order failed')),
      metricNamespace: 'TheStateMachine',
      metricName: 'OrdersFailed',
      metricValue: '1',
      defaultValue: 0,
    });
    new Alarm(this, 'OrderFailedAlarm', {
      metric: broken.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'An OrderFlow execution ended in Order failed: a function kept failing after its retries and the customer got an error. Search OrderFlowLogs for FailStateEntered "Order failed" and read the error and cause.',
    }).addAlarmAction(notify);
    new Alarm(this, 'OrderFlowTimedOutAlarm', {
      metric: orderFlow.metricTimedOut({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'An OrderFlow execution hit its 25-second timeout and the caller got no result. Check the functions\' durations and errors in their log groups and X-Ray.',
    }).addAlarmAction(notify);
  }

  /** A small function the workflow calls synchronously, with its own role and log group. */
  private orderFunction(id: string, file: string, description: string): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
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
      timeout: Duration.seconds(3),
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
