import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Both services bill per character, so the public endpoint is throttled hard. */
export const THROTTLE = { rateLimit: 5, burstLimit: 10 };

export class PollyStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const functionLogs = new LogGroup(this, 'SpeakerLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'SpeakerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Speaker: translate text, synthesise speech, write its own logs and traces.',
    });
    functionLogs.grantWrite(role);
    // Exactly the two calls the function makes. Neither action has a resource to scope a
    // plain call to (Polly only names lexicons, Translate only custom terminologies).
    role.addToPolicy(new PolicyStatement({ actions: ['translate:TranslateText', 'polly:SynthesizeSpeech'], resources: ['*'] }));

    const speaker = new NodejsFunction(this, 'Speaker', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'speaker.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      // Translation plus synthesis of 1,500 characters takes a few seconds; HTTP APIs wait 30 at most.
      timeout: Duration.seconds(20),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: functionLogs,
      bundling: { minify: true, sourceMap: true },
    });

    const api = new HttpApi(this, 'SpeechApi', { description: 'Translates text and reads it aloud as MP3.' });
    api.addRoutes({
      path: '/speech',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('SpeakerIntegration', speaker),
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
        integrationLatencyMs: '$context.integrationLatency',
        responseLength: '$context.responseLength',
      }),
    };
    stage.defaultRouteSettings = { throttlingRateLimit: THROTTLE.rateLimit, throttlingBurstLimit: THROTTLE.burstLimit };

    // Operations plumbing: one topic that every alarm of the stack notifies.
    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'Polly alarms' });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail !== '') {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    const notify = new SnsAction(alarmTopic);

    // The handler turns service failures into 4XX/5XX answers, so Lambda errors mean a crash or a timeout.
    new Alarm(this, 'SpeakerErrorsAlarm', {
      metric: speaker.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Speaker crashed or timed out. Search SpeakerLogs for the request id and errorName; a timeout means translation plus synthesis took over 20 seconds.',
    }).addAlarmAction(notify);
    // 500 (unexpected failure) and 503 (Translate or Polly throttled) both count here.
    new Alarm(this, 'SpeechApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'SpeechApi answered 5 or more 5XX in 5 minutes. Check SpeakerLogs: ThrottlingException or TooManyRequestsException means a Translate or Polly quota; anything else is a bug or an outage.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'SpeechUrl', { value: `${api.apiEndpoint}/speech`, description: 'POST JSON here; MP3 comes back.' });
    new CfnOutput(this, 'SpeakerLogGroup', { value: functionLogs.logGroupName });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'A public demo endpoint, throttled to 5 requests per second; add a JWT or IAM authorizer before real use.',
    });
    Validations.of(speaker).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and returns its errors; a DLQ only serves async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray segments, translate:TranslateText and polly:SynthesizeSpeech have no resource to scope a plain call to; the actions themselves are the limit.',
    });
  }
}
