import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { CfnApplication } from 'aws-cdk-lib/aws-sam';
import type { Construct } from 'constructs';

/** The open-source AWS Lambda Power Tuning app, as published in the Serverless Application Repository. */
export const POWER_TUNING_APP = {
  applicationId: 'arn:aws:serverlessrepo:us-east-1:451282441545:applications/aws-lambda-power-tuning',
  // Pinned so a new release cannot change the state machine under a redeploy; bump deliberately.
  semanticVersion: '4.4.0',
};

/**
 * Memory sizes tried when an execution does not list its own. 1769 MB is where a
 * function gets one full vCPU; past it a single-threaded function stops speeding up.
 */
export const DEFAULT_POWER_VALUES = [128, 256, 512, 1024, 1769, 3008];

export class TheLambdaPowerTunerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const logGroup = new LogGroup(this, 'PrimeSieveLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'PrimeSieveRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Prime sieve: write its own logs and traces.',
    });
    logGroup.grantWrite(role);

    // The function to tune: pure CPU work, so memory (and with it CPU) is the only lever.
    const primeSieve = new NodejsFunction(this, 'PrimeSieve', {
      description: 'Counts primes with a sieve; a CPU-bound target for Lambda Power Tuning.',
      role,
      entry: path.join(__dirname, '..', 'lambda', 'prime-sieve.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // A starting point only: the tuner measures the alternatives, then restores this value.
      memorySize: 256,
      // Room for the largest input at 128 MB, the slowest setting the tuner tries.
      timeout: Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      // Text, not JSON: the tuner reads each call's duration from the returned log tail, and its JSON
      // parser fails on reports without initDurationMs (every warm start) in the releases we checked.
      loggingFormat: LoggingFormat.TEXT,
      logGroup,
      bundling: { minify: true, sourceMap: true },
    });

    // Deploys the tuner as a nested stack: a Step Functions state machine plus the
    // functions that publish, invoke, analyse and clean up versions of the target.
    const powerTuner = new CfnApplication(this, 'PowerTuner', {
      location: POWER_TUNING_APP,
      parameters: {
        // The tuner's functions may only touch this function and its versions and aliases,
        // instead of every function in the account (the app's default is "*").
        lambdaResource: `${primeSieve.functionArn}*`,
        PowerValues: DEFAULT_POWER_VALUES.join(','),
        // Per-step timeout in seconds; parallel invocation keeps a run well inside it.
        totalExecutionTimeout: '180',
        logGroupRetentionInDays: '30',
      },
    });

    // The tuner measures only successful calls; an error at some memory size means a run with holes in it.
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'The Lambda Power Tuner alarms', enforceSSL: true });
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
    new Alarm(this, 'PrimeSieveErrorsAlarm', {
      metric: primeSieve.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'PrimeSieve failed during a tuning run (bad payload, or a timeout at a small memory size). Check the payload limit and the function log group, then run the tuning again.',
    }).addAlarmAction(new SnsAction(topic));

    new CfnOutput(this, 'StateMachineArn', {
      value: powerTuner.getAtt('Outputs.StateMachineARN').toString(),
      description: 'Start a tuning run here.',
    });
    new CfnOutput(this, 'PrimeSieveArn', { value: primeSieve.functionArn, description: 'The lambdaARN to tune.' });

    Validations.of(primeSieve).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Only the tuner invokes the function, synchronously, and records each failure itself; a DLQ only applies to async invokes.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}
