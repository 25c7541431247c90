import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { RegionalFirewall } from './regional-firewall';

/** Per client IP: more than this many requests in one window and WAF answers 429. */
export const RATE_LIMIT = { requestsPerIp: 100, windowSeconds: 60 } as const;
/** Default monthly limit of the AWS WAF cost budget in US dollars; override with -c monthlyBudgetUsd=... */
export const DEFAULT_MONTHLY_BUDGET_USD = 15;

export class TheWafApigatewayStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- The thing being protected: a REST API in front of a small function. ---

    const greeterLogs = new LogGroup(this, 'GreeterLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const greeterRole = new Role(this, 'GreeterRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Greeter: write its own logs and traces, nothing else.',
    });
    greeterLogs.grantWrite(greeterRole);

    const greeter = new NodejsFunction(this, 'Greeter', {
      role: greeterRole,
      entry: path.join(__dirname, '..', 'lambda', 'greeter.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.seconds(3),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: greeterLogs,
      bundling: { minify: true, sourceMap: true },
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const api = new RestApi(this, 'GreetingApi', {
      description: 'A small greeting API guarded by a WAF web ACL.',
      // WAF web ACLs for API Gateway are regional; an edge-optimised API would need a CloudFront ACL.
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide API Gateway logging role is shared by every API in the region;
      // a demo stack should not take it over.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        // A backstop for everyone together; the web ACL limits each address on its own.
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.resourcePath',
            status: '$context.status',
            waf: '$context.wafResponseCode',
            latencyMs: '$context.responseLatency',
          }),
        ),
      },
    });
    api.root.addResource('hello').addMethod('GET', new LambdaIntegration(greeter));

    // --- The firewall, attached to the stage. ---

    const firewall = new RegionalFirewall(this, 'Firewall', {
      // This ARN refers to the stage resource itself, so CloudFormation creates the stage
      // before the association; an ARN typed out from the stage name would race it.
      resourceArn: api.deploymentStage.stageArn,
      ...RATE_LIMIT,
    });

    // --- Operations: one alarm topic, two alarms and a cost budget. ---

    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'The WAF API Gateway alarms' });
    const alarmEmail = this.node.tryGetContext('alarmEmail') as string | undefined;
    if (alarmEmail) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    const notify = new SnsAction(alarmTopic);
    // WAF answers blocked requests itself with 403 or 429, so 5xx means the API or the function failed.
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The greeting API answered 5xx to requests WAF allowed. Read ApiAccessLogs for the status and the Greeter log for the error.',
    }).addAlarmAction(notify);
    new Alarm(this, 'GreeterErrorsAlarm', {
      metric: greeter.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The Greeter function crashed or timed out. Check its log group; it should only ever answer 200 or 400.',
    }).addAlarmAction(notify);

    // The web ACL and its rules bill every month whether or not anyone calls the API.
    const monthlyBudgetUsd = Number(this.node.tryGetContext('monthlyBudgetUsd') ?? DEFAULT_MONTHLY_BUDGET_USD);
    if (!Number.isFinite(monthlyBudgetUsd) || monthlyBudgetUsd <= 0) {
      throw new Error(`monthlyBudgetUsd must be a positive number of US dollars, got ${String(this.node.tryGetContext('monthlyBudgetUsd'))}`);
    }
    alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowBudgetsToPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const notifyAt = (notificationType: 'ACTUAL' | 'FORECASTED'): CfnBudget.NotificationWithSubscribersProperty => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
      subscribers: [{ subscriptionType: 'SNS', address: alarmTopic.topicArn }],
    });
    const budget = new CfnBudget(this, 'MonthlyCostBudget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: monthlyBudgetUsd, unit: 'USD' },
        costFilters: { Service: ['AWS WAF'] },
      },
      notificationsWithSubscribers: [notifyAt('ACTUAL'), notifyAt('FORECASTED')],
    });
    // Budgets checks that it may publish before it accepts the subscriber.
    budget.node.addDependency(alarmTopic);

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Alarms and the WAF cost budget notify this topic.' });
    new CfnOutput(this, 'HelloUrl', { value: api.urlForPath('/hello'), description: 'GET this, optionally with ?name=' });
    new CfnOutput(this, 'WebAclArn', { value: firewall.webAcl.attrArn });
    new CfnOutput(this, 'WafLogGroup', { value: firewall.logs.logGroupName });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1 a month, and the notifications carry only alarm names and states.',
    });
    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason: 'A public greeting demo; WAF filters abuse but does not identify callers. Add an authorizer before real use.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'The demo has no user accounts; a Cognito user pool authorizer has nothing to check.',
      },
      {
        id: 'AwsSolutions-APIG2',
        reason: 'The only method is a GET with one optional query value and no body, so a validator has nothing to require; the function checks the name and WAF inspects the query string.',
      },
    );
    Validations.of(api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role, a shared setting this stack must not change; access logs and WAF logs cover each call.',
    });
    Validations.of(greeter).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(greeterRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}
