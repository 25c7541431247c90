import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

export class TheSimpleWebserviceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const hits = new TableV2(this, 'Hits', {
      partitionKey: { name: 'path', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A demo stack should leave nothing behind on `cdk destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const functionLogs = new LogGroup(this, 'HitCounterLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the AWS managed basic-execution policy, whose
    // log permissions reach every log group in the account.
    const role = new Role(this, 'HitCounterRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Hit counter: write its own logs, add to the hits table.',
    });
    functionLogs.grantWrite(role);

    const hitCounter = new NodejsFunction(this, 'HitCounter', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'hit-counter.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: functionLogs,
      environment: { HITS_TABLE_NAME: hits.tableName },
      bundling: { minify: true, sourceMap: true },
    });
    // Least privilege: the function only ever adds to a counter.
    hits.grant(hitCounter, 'dynamodb:UpdateItem');

    const api = new HttpApi(this, 'Api', {
      description: 'Counts hits per path.',
      defaultIntegration: new HttpLambdaIntegration('HitCounterIntegration', hitCounter),
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
      }),
    };
    // Throttle the public endpoint so a flood cannot run up the bill or the table.
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 100 };

    // Operations: the function answers 500 itself when DynamoDB fails, so Lambda Errors alone
    // would miss that; the API's 5xx count catches both kinds of failure.
    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'The Simple Webservice alarms', enforceSSL: true });
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
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The hit counter API answered 5xx. Search HitCounterLogs for "hit count failed" (DynamoDB errors) and the access log for the failing requests.',
    }).addAlarmAction(notify);
    new Alarm(this, 'HitCounterErrorsAlarm', {
      metric: hitCounter.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The HitCounter function failed (timeout, crash or bad deploy). Check HitCounterLogs and roll back a bad deploy.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'Call any path under this URL.' });
    new CfnOutput(this, 'TableName', { value: hits.tableName });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The hit counter is a public demo endpoint; add a JWT or IAM authorizer before real use.',
    });
    Validations.of(hitCounter).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}
