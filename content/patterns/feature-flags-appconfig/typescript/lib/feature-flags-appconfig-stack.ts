import * as path from 'node:path';
import { CfnDeletionPolicy, type CfnResource, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  Application,
  ConfigurationContent,
  ConfigurationType,
  DeletionProtectionCheck,
  DeploymentStrategy,
  Environment,
  HostedConfiguration,
  Monitor,
  RolloutStrategy,
} from 'aws-cdk-lib/aws-appconfig';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LayerVersion, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { FALLBACK_MARKER } from '../lambda/quote';
import { agentLayerArn } from './agent-layer';
import { loadFlagDocument } from './flag-rules';

/** The agent's local port; the function's URL and the agent's setting come from this one value. */
const AGENT_PORT = 2772;

export const FLAG_FILE = path.join(__dirname, '..', 'flags', 'checkout-flags.json');

export interface FeatureFlagsAppConfigStackProps extends StackProps {
  /** The feature flag document to deploy; defaults to flags/checkout-flags.json. */
  readonly flagFile?: string;
}

export class FeatureFlagsAppConfigStack extends Stack {
  constructor(scope: Construct, id: string, props: FeatureFlagsAppConfigStackProps = {}) {
    super(scope, id, props);

    // Synth stops here when the flag file breaks a constraint, before anything reaches AWS.
    const flagDocument = loadFlagDocument(props.flagFile ?? FLAG_FILE);

    const application = new Application(this, 'FlagsApp', { description: 'Feature flags of the checkout Quote function.' });

    const functionLogs = new LogGroup(this, 'QuoteLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const role = new Role(this, 'QuoteRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Quote: write its own logs, read its one feature flag profile.',
    });
    functionLogs.grantWrite(role);

    // Gradual, watched rollouts: 20% of the agents polling this environment get a new flag version
    // each minute, then AppConfig watches for five more minutes at 100% before calling it done.
    // The alarm below has one-minute periods, so each step has time to show errors before the next.
    const rollout = new DeploymentStrategy(this, 'GradualRollout', {
      description: 'Flags reach 20% more of the Quote environments each minute, then bake for 5 minutes.',
      rolloutStrategy: RolloutStrategy.linear({
        growthFactor: 20,
        deploymentDuration: Duration.minutes(5),
        finalBakeTime: Duration.minutes(5),
      }),
    });

    const flags = new HostedConfiguration(this, 'CheckoutFlags', {
      application,
      description: 'Checkout feature flags; edit flags/checkout-flags.json and cdk deploy.',
      type: ConfigurationType.FEATURE_FLAGS,
      content: ConfigurationContent.fromInline(flagDocument, 'application/json'),
      deploymentStrategy: rollout,
      // A demo should come down with cdk destroy even within an hour of its last flag read.
      deletionProtectionCheck: DeletionProtectionCheck.BYPASS,
    });
    // CDK keeps every flag version, on replacement and on delete. Replaced versions stay, so the
    // version a rollback returns to is never deleted under it; the current one goes with the stack,
    // or AppConfig would refuse to delete the profile on cdk destroy.
    (flags.node.defaultChild as CfnResource).cfnOptions.deletionPolicy = CfnDeletionPolicy.DELETE;

    // The function addresses the environment by name, not by ID: the environment watches the
    // function's alarm, so the function cannot also reference the environment. Names only need to
    // be unique inside their application, which has a generated name of its own.
    const environmentName = 'live';
    const flagsPath = `/applications/${application.applicationId}/environments/${environmentName}/configurations/${flags.configurationProfileId}`;

    const quote = new NodejsFunction(this, 'Quote', {
      role,
      entry: path.join(__dirname, '..', 'lambda', 'quote.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(5),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup: functionLogs,
      layers: [LayerVersion.fromLayerVersionArn(this, 'AgentLayer', agentLayerArn(this))],
      environment: {
        FLAGS_URL: `http://localhost:${AGENT_PORT}${flagsPath}`,
        AWS_APPCONFIG_EXTENSION_HTTP_PORT: String(AGENT_PORT),
        // Fetch the profile while the environment starts, so the first invocation is not the one that waits. The
        // extension's guide gives the prefetch entry as the same path the function requests.
        AWS_APPCONFIG_EXTENSION_PREFETCH_LIST: flagsPath,
        // 30 s instead of 45 s: every one-minute rollout step reaches the agents it picked within that step.
        AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS: '30',
        // One profile is read, so one connection to AppConfig at a time is all the agent needs.
        AWS_APPCONFIG_EXTENSION_MAX_CONNECTIONS: '1',
      },
      bundling: { minify: true, sourceMap: true },
    });

    const alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Feature flags alarms', enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail.length > 0) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    const notify = new SnsAction(alarmTopic);

    // Any failed invocation in a minute. It pages the topic and, during a flag rollout, it is the
    // monitor that makes AppConfig put the previous flag version back.
    const errorsAlarm = new Alarm(this, 'QuoteErrorsAlarm', {
      metric: quote.metricErrors({ statistic: Stats.SUM, period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The Quote function failed. During a flag rollout AppConfig rolls the flags back on this alarm; check QuoteLogs and the AppConfig deployment history.',
    });
    errorsAlarm.addAlarmAction(notify);

    const environment = new Environment(this, 'FlagsEnv', {
      application,
      environmentName,
      description: 'Where the Quote function reads its flags; rolls back on QuoteErrorsAlarm.',
      monitors: [Monitor.fromCloudWatchAlarm(errorsAlarm)],
      deletionProtectionCheck: DeletionProtectionCheck.BYPASS,
    });
    environment.addDeployment(flags);

    // Least privilege: open a session on, and read, this one profile in this one environment.
    // A separate policy, not the role's default one: the function must not wait on the environment.
    new Policy(this, 'ReadFlagsPolicy', {
      roles: [role],
      statements: [
        new PolicyStatement({
          actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
          resources: [`${environment.environmentArn}/configuration/${flags.configurationProfileId}`],
        }),
      ],
    });

    // Running on defaults is safe but silent; this makes it loud.
    const fallbacks = functionLogs.addMetricFilter('FlagsFallbackFilter', {
      filterPattern: FilterPattern.allTerms(FALLBACK_MARKER),
      metricNamespace: this.stackName,
      metricName: 'FlagsFallback',
      metricValue: '1',
    });
    new Alarm(this, 'FlagsFallbackAlarm', {
      metric: fallbacks.metric({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'Quote priced carts without its feature flags (agent unreachable, slow or answering errors). Search QuoteLogs for FLAGS_FALLBACK.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'FunctionName', { value: quote.functionName });
    new CfnOutput(this, 'ApplicationId', { value: application.applicationId });
    new CfnOutput(this, 'EnvironmentId', { value: environment.environmentId });
    new CfnOutput(this, 'ConfigurationProfileId', { value: flags.configurationProfileId });
    new CfnOutput(this, 'DeploymentStrategyId', { value: rollout.deploymentStrategyId });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
    Validations.of(quote).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Callers invoke the function synchronously and receive its errors; a DLQ only applies to async invokes.',
    });
    Validations.of(environment).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The role CDK makes for the rollback monitor lets AppConfig call cloudwatch:DescribeAlarms, a list action the AppConfig setup guide grants on *; only appconfig.amazonaws.com can assume it and it allows nothing else.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.',
    });
  }
}
