import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, DockerImageCode, DockerImageFunction, LoggingFormat, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Where the Dockerfile, the handler and the trained weights live: the image's build context. */
export const MODEL_DIR = path.join(__dirname, '..', 'model');

export class ThePredictiveLambdaStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const logGroup = new LogGroup(this, 'PredictorLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // No managed policy: the basic execution policy would let it write to every log group.
    const role = new Role(this, 'PredictorRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Iris predictor: write its own logs and traces.',
    });
    logGroup.grantWrite(role);

    // The image is only built (by Docker, for arm64) when the asset is published at deploy
    // time; synth just copies the build context into cdk.out.
    const predictor = new DockerImageFunction(this, 'Predictor', {
      description: 'Classifies an Iris flower from four measurements with a stdlib-only Python model.',
      code: DockerImageCode.fromImageAsset(MODEL_DIR, { platform: Platform.LINUX_ARM64 }),
      architecture: Architecture.ARM_64,
      role,
      // Inference is a few dozen multiplications; 512 MB mainly buys a faster init.
      memorySize: 512,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
    });

    const api = new HttpApi(this, 'PredictionApi', {
      description: 'POST four Iris measurements to /predict to get the species.',
    });
    api.addRoutes({
      path: '/predict',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('PredictorIntegration', predictor),
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
      }),
    };
    // Bounds concurrency, and so the bill, for a public model endpoint.
    stage.defaultRouteSettings = { throttlingBurstLimit: 20, throttlingRateLimit: 10 };

    // Operations plumbing: one topic that every alarm of the stack notifies.
    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'Predictive Lambda alarms' });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail !== '') {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    // Bad input is a 400 the handler returns; an error here is a crash, a timeout or a broken image or model file.
    new Alarm(this, 'PredictorErrorsAlarm', {
      metric: predictor.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'Predictor failed and callers got a 5XX. Read PredictorLogs: an error during init points at model.json or the image, a traceback at the handler.',
    }).addAlarmAction(new SnsAction(alarmTopic));

    new CfnOutput(this, 'PredictUrl', { value: `${api.apiEndpoint}/predict`, description: 'POST measurements here.' });
    new CfnOutput(this, 'LogGroupName', { value: logGroup.logGroupName });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'A public demo of model serving; add a JWT or IAM authorizer before real use.',
    });
    Validations.of(predictor).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'API Gateway invokes the function synchronously and returns its errors to the caller; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}
