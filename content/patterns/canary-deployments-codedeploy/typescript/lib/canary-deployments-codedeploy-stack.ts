import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { LambdaApplication, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { createAlarmTopic } from './alarm-topic';
import { deploymentConfigFromContext } from './deployment-configs';
import { loggedFunction } from './logged-function';

const HOOK_NO_DLQ =
  'CodeDeploy invokes the hook and waits for its report; a hook that never reports fails the deployment, which rolls back, so a DLQ would keep an event nobody can replay.';

export class CanaryDeploymentsCodedeployStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The service being released. Every change to its code or configuration publishes a new
    // version (currentVersion), and moving the alias to that version is what CodeDeploy shifts.
    const greeter = loggedFunction(this, 'Greeter', {
      entry: 'greeter.ts',
      description: 'Greeter: answers GET with a greeting and the version that served it.',
      timeout: Duration.seconds(5),
      noDlqBecause: 'API Gateway and the traffic hooks invoke the function synchronously and see its errors; a DLQ only applies to async invokes.',
    });
    const version = greeter.currentVersion;
    const live = new Alias(this, 'Live', { aliasName: 'live', version });
    // The alias ARN spelled out from the function ARN rather than taken from the alias resource:
    // the alias must wait for the post-traffic hook (below), so the hook cannot wait for the alias.
    const liveArn = `${greeter.functionArn}:${live.aliasName}`;

    // Both hooks run the same check against a different target: the new version directly before
    // any traffic moves, then the alias once all traffic has moved.
    const preTrafficHook = loggedFunction(this, 'PreTrafficHook', {
      entry: 'traffic-hook.ts',
      description: 'BeforeAllowTraffic hook: calls the new version directly and reports the verdict to CodeDeploy.',
      timeout: Duration.seconds(30),
      environment: { TARGET_FUNCTION_ARN: version.functionArn, EXPECTED_VERSION: version.version },
      noDlqBecause: HOOK_NO_DLQ,
    });
    const postTrafficHook = loggedFunction(this, 'PostTrafficHook', {
      entry: 'traffic-hook.ts',
      description: 'AfterAllowTraffic hook: calls the live alias and reports the verdict to CodeDeploy.',
      timeout: Duration.seconds(30),
      environment: { TARGET_FUNCTION_ARN: liveArn, EXPECTED_VERSION: version.version },
      noDlqBecause: HOOK_NO_DLQ,
    });
    // Least privilege: each hook may invoke only what it checks, never $LATEST or older versions.
    version.grantInvoke(preTrafficHook);
    postTrafficHook.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [liveArn] }));

    // Alarms that watch only the version being rolled out. The alias's own metrics add up both
    // versions during a shift; the ExecutedVersion dimension splits them, so an old version's
    // errors cannot roll back a healthy release and a canary's errors are not diluted.
    const alarmTopic = createAlarmTopic(this);
    const notify = new SnsAction(alarmTopic);
    const newVersionMetric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: { FunctionName: greeter.functionName, Resource: `${greeter.functionName}:${live.aliasName}`, ExecutedVersion: version.version },
        statistic,
        period: Duration.minutes(1),
      });
    const canaryErrors = new Alarm(this, 'CanaryErrorsAlarm', {
      metric: newVersionMetric('Errors', Stats.SUM),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The version behind the live alias failed an invocation. During a deployment this rolls the alias back; check GreeterLogs for the version in the alarm dimensions.',
    });
    const canaryLatency = new Alarm(this, 'CanaryLatencyAlarm', {
      metric: newVersionMetric('Duration', Stats.p(99)),
      threshold: 1000,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The version behind the live alias took over a second at p99 for two minutes running. During a deployment this rolls the alias back.',
    });
    for (const alarm of [canaryErrors, canaryLatency]) alarm.addAlarmAction(notify);

    const application = new LambdaApplication(this, 'Application');
    const deploymentGroup = new LambdaDeploymentGroup(this, 'DeploymentGroup', {
      application,
      alias: live,
      deploymentConfig: deploymentConfigFromContext(this.node.tryGetContext('deploymentConfig')),
      alarms: [canaryErrors, canaryLatency],
      preHook: preTrafficHook,
      postHook: postTrafficHook,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    // CloudFormation must finish the hooks (which carry the new version number), the alarms
    // (which watch it) and the deployment group before it hands the alias update to CodeDeploy.
    live.node.addDependency(preTrafficHook, postTrafficHook, canaryErrors, canaryLatency, deploymentGroup);

    const api = new HttpApi(this, 'Api', {
      description: 'Greets callers through the live alias of the Greeter function.',
      defaultIntegration: new HttpLambdaIntegration('GreeterIntegration', live),
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
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
    // Throttle the public endpoint so a flood cannot run up the bill.
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 100 };

    // Callers notice a 5xx whichever version served it, so this alarm watches the API as a whole.
    // It is not attached to the deployment group: an old version's failures must not undo a release.
    new Alarm(this, 'ApiServerErrorsAlarm', {
      metric: api.metricServerError({ statistic: Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The greeter API answered 5xx. Check the access log for integrationError and GreeterLogs for the failing version.',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'GET this URL to be greeted by the version behind the live alias.' });
    new CfnOutput(this, 'FunctionName', { value: greeter.functionName });
    new CfnOutput(this, 'ApplicationName', { value: application.applicationName });
    new CfnOutput(this, 'DeploymentGroupName', { value: deploymentGroup.deploymentGroupName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The greeter is a public demo endpoint; add a JWT or IAM authorizer before real use.',
    });
    // CDK lets CodeDeploy invoke each hook, qualified ARNs included, so the hooks need no CodeDeployHook_ name.
    const logicalId = (fn: Construct) => this.resolve(this.getLogicalId(fn.node.defaultChild as CfnFunction)) as string;
    Validations.of(deploymentGroup).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        reason:
          'CDK attaches the AWS managed AWSCodeDeployRoleForLambdaLimited to every Lambda deployment group: it lets CodeDeploy read and move aliases and read alarm states, and it invokes only functions named CodeDeployHook_*.',
      },
      ...[preTrafficHook, postTrafficHook].map((hook) => ({
        id: `AwsSolutions-IAM5[Resource::<${logicalId(hook)}.Arn>:*]`,
        reason: `CodeDeploy may invoke the ${hook.node.id} function of this stack, including its qualified ARNs; CDK grants it so that the hook needs no CodeDeployHook_ name.`,
      })),
    );
  }
}
