import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { App, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Effect, ManagedPolicy, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Choice, Condition, DefinitionBody, IntegrationPattern, Pass, StateMachine, Succeed, Wait, WaitTime } from 'aws-cdk-lib/aws-stepfunctions';
import { AthenaStartQueryExecution, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, Provider } from 'aws-cdk-lib/custom-resources';
import { Validations } from 'aws-cdk-lib';
import { checkTemplateFiles } from '../src/check-templates';
import { ServerlessAntiPatternChecks } from '../src/pack';
import { JOB_APIS, pollableJobApi } from '../src/rules/synchronous-waiting';

const RULE = 'AntiPattern-SynchronousWaiting';

/** Construct paths the rule flags in a stack. */
function flagged(stack: Stack): string[] {
  const report = new ServerlessAntiPatternChecks().validateScope(stack);
  return report.violations.filter((v) => v.ruleName === RULE).flatMap((v) => v.violatingResources.map((r) => (r as { constructPath?: string }).constructPath ?? ''));
}

function newStack(): Stack {
  return new Stack(new App(), 'Fixture');
}

/** A plain function with its own role; the test adds the statements it wants the role to hold. */
function fn(stack: Stack, id: string, actions: string[] = [], timeout = Duration.minutes(15)): LambdaFunction {
  const f = new LambdaFunction(stack, id, {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({});'),
    timeout,
  });
  if (actions.length > 0) f.addToRolePolicy(new PolicyStatement({ actions, resources: ['*'] }));
  return f;
}

describe('SynchronousWaiting', () => {
  test('flags a function that may start an Athena query and read its status', () => {
    const stack = newStack();
    fn(stack, 'ReportRunner', ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults']);
    assert.deepEqual(flagged(stack), ['Fixture/ReportRunner/Resource']);
  });

  test('flags every listed job API when both halves are granted', () => {
    for (const api of JOB_APIS) {
      const stack = newStack();
      fn(stack, 'Poller', [api.start[0]!, api.status[0]!]);
      assert.deepEqual(flagged(stack), ['Fixture/Poller/Resource'], api.name);
    }
  });

  test('flags a function that starts a state machine and reads its executions through CDK grants', () => {
    const stack = newStack();
    const machine = new StateMachine(stack, 'Job', { definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Work')) });
    const poller = fn(stack, 'Poller');
    machine.grantStartExecution(poller);
    machine.grantRead(poller);
    assert.deepEqual(flagged(stack), ['Fixture/Poller/Resource']);
  });

  test('flags service wildcards, halves split across policies, and customer or AWS managed policies', () => {
    const wildcard = newStack();
    fn(wildcard, 'Poller', ['athena:*']);
    assert.deepEqual(flagged(wildcard), ['Fixture/Poller/Resource']);

    const prefixes = newStack();
    fn(prefixes, 'Poller', ['glue:Start*', 'glue:Get*']);
    assert.deepEqual(flagged(prefixes), ['Fixture/Poller/Resource']);

    const split = newStack();
    const splitFn = fn(split, 'Poller', ['codebuild:StartBuild']);
    new Policy(split, 'StatusPolicy', { statements: [new PolicyStatement({ actions: ['codebuild:BatchGetBuilds'], resources: ['*'] })] }).attachToRole(splitFn.role!);
    assert.deepEqual(flagged(split), ['Fixture/Poller/Resource']);

    const customer = newStack();
    const customerFn = fn(customer, 'Poller', ['transcribe:StartTranscriptionJob']);
    customerFn.role!.addManagedPolicy(
      new ManagedPolicy(customer, 'ReadJobs', { statements: [new PolicyStatement({ actions: ['transcribe:GetTranscriptionJob'], resources: ['*'] })] }),
    );
    assert.deepEqual(flagged(customer), ['Fixture/Poller/Resource']);

    const awsManaged = newStack();
    fn(awsManaged, 'Poller').role!.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('AmazonAthenaFullAccess'));
    assert.deepEqual(flagged(awsManaged), ['Fixture/Poller/Resource']);
  });

  test('stays silent on a function that only starts a job, only reads status, or mixes two APIs', () => {
    const stack = newStack();
    fn(stack, 'FireAndForget', ['athena:StartQueryExecution']);
    fn(stack, 'StatusReader', ['athena:GetQueryExecution', 'athena:GetQueryResults', 'glue:GetJobRun']);
    fn(stack, 'Mixed', ['glue:StartJobRun', 'athena:GetQueryExecution']);
    fn(stack, 'JobDefinitionOnly', ['glue:StartJobRun', 'glue:GetJob']);
    fn(stack, 'Synchronous', ['states:StartSyncExecution', 'states:DescribeExecution']);
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent on a bare "*" action, which says nothing about what the function does', () => {
    const stack = newStack();
    fn(stack, 'Admin', ['*']);
    assert.deepEqual(flagged(stack), []);
    assert.equal(pollableJobApi([{ actions: ['*'], resources: ['*'] }]), undefined);
  });

  test('stays silent on a function whose role comes from outside the stack', () => {
    const stack = newStack();
    new LambdaFunction(stack, 'Imported', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({});'),
      role: Role.fromRoleArn(stack, 'Shared', 'arn:aws:iam::123456789012:role/shared'),
    });
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent on a state machine that runs an Athena query with .sync, and on an EventBridge Pipes role', () => {
    const stack = newStack();
    new StateMachine(stack, 'Report', {
      definitionBody: DefinitionBody.fromChainable(
        new AthenaStartQueryExecution(stack, 'RunQuery', {
          queryString: 'SELECT 1',
          workGroup: 'primary',
          integrationPattern: IntegrationPattern.RUN_JOB,
        }),
      ),
    });
    const pipeRole = new Role(stack, 'PipeRole', { assumedBy: new ServicePrincipal('pipes.amazonaws.com') });
    pipeRole.addToPolicy(new PolicyStatement({ actions: ['states:StartExecution', 'states:DescribeExecution'], resources: ['*'] }));
    new CfnPipe(stack, 'Pipe', {
      roleArn: pipeRole.roleArn,
      source: 'arn:aws:sqs:us-east-1:123456789012:in',
      target: 'arn:aws:states:us-east-1:123456789012:stateMachine:job',
    });
    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Properties?: { PolicyDocument?: unknown } }> };
    // The look-alike is real: the workflow role holds both halves of the Athena job API.
    assert.match(JSON.stringify(template.Resources), /athena:startQueryExecution.*athena:getQueryExecution/);
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent on a step of a Wait and Choice polling loop, but not on a function a workflow merely calls', () => {
    const loop = newStack();
    const checker = fn(loop, 'StartOrCheck', ['textract:StartDocumentAnalysis', 'textract:GetDocumentAnalysis']);
    const check = new LambdaInvoke(loop, 'CheckJob', { lambdaFunction: checker });
    const wait = new Wait(loop, 'WaitBeforeChecking', { time: WaitTime.duration(Duration.seconds(30)) });
    wait.next(check);
    check.next(new Choice(loop, 'Done?').when(Condition.stringEquals('$.Payload.status', 'SUCCEEDED'), new Succeed(loop, 'Finished')).otherwise(wait));
    new StateMachine(loop, 'Analysis', { definitionBody: DefinitionBody.fromChainable(wait) });
    assert.deepEqual(flagged(loop), []);

    const noLoop = newStack();
    const poller = fn(noLoop, 'Poller', ['textract:StartDocumentAnalysis', 'textract:GetDocumentAnalysis']);
    new StateMachine(noLoop, 'Analysis', { definitionBody: DefinitionBody.fromChainable(new LambdaInvoke(noLoop, 'RunAndWait', { lambdaFunction: poller })) });
    assert.deepEqual(flagged(noLoop), ['Fixture/Poller/Resource']);
  });

  test('stays silent on custom-resource handlers a Provider polls through isComplete, but flags an onEvent handler that waits itself', () => {
    const withIsComplete = newStack();
    const sharedRole = new Role(withIsComplete, 'BuildRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    sharedRole.addToPolicy(new PolicyStatement({ actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], resources: ['*'] }));
    const onEvent = new LambdaFunction(withIsComplete, 'StartBuild', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.onEvent',
      code: Code.fromInline('exports.onEvent = async () => ({});'),
      role: sharedRole,
    });
    const isComplete = new LambdaFunction(withIsComplete, 'BuildFinished', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.isComplete',
      code: Code.fromInline('exports.isComplete = async () => ({ IsComplete: true });'),
      role: sharedRole,
    });
    const provider = new Provider(withIsComplete, 'BuildProvider', { onEventHandler: onEvent, isCompleteHandler: isComplete, totalTimeout: Duration.hours(1) });
    new CustomResource(withIsComplete, 'Build', { serviceToken: provider.serviceToken });
    assert.deepEqual(flagged(withIsComplete), []);

    const onEventOnly = newStack();
    const waiter = fn(onEventOnly, 'StartAndWait', ['codebuild:StartBuild', 'codebuild:BatchGetBuilds']);
    const plain = new Provider(onEventOnly, 'BuildProvider', { onEventHandler: waiter });
    new CustomResource(onEventOnly, 'Build', { serviceToken: plain.serviceToken });
    assert.deepEqual(flagged(onEventOnly), ['Fixture/StartAndWait/Resource']);
  });

  test("stays silent on CDK's helper functions: AwsCustomResource, BucketDeployment, autoDeleteObjects and log retention", () => {
    const stack = newStack();
    // Two SDK calls of one job API on the singleton function: its role ends up holding both.
    new AwsCustomResource(stack, 'StartBuildOnce', {
      onCreate: { service: 'CodeBuild', action: 'startBuild', parameters: { projectName: 'p' }, physicalResourceId: PhysicalResourceId.of('start') },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    new AwsCustomResource(stack, 'ReadBuild', {
      onCreate: { service: 'CodeBuild', action: 'batchGetBuilds', parameters: { ids: ['x'] }, physicalResourceId: PhysicalResourceId.of('read') },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    const site = new Bucket(stack, 'Site', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    new BucketDeployment(stack, 'Deploy', { destinationBucket: site, sources: [Source.data('index.html', '<p>hi</p>')] });
    new LambdaFunction(stack, 'WithRetention', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({});'),
      logRetention: RetentionDays.ONE_WEEK,
    });
    const template = JSON.stringify(Template.fromStack(stack).toJSON());
    assert.match(template, /codebuild:StartBuild.*codebuild:BatchGetBuilds|codebuild:BatchGetBuilds.*codebuild:StartBuild/);
    assert.deepEqual(flagged(stack), []);
  });

  test('honours an acknowledgement with a reason', () => {
    const stack = newStack();
    const api = fn(stack, 'JobApi', ['glue:StartJobRun', 'glue:GetJobRun'], Duration.seconds(10));
    Validations.of(api).acknowledge({ id: RULE, reason: 'Serves POST /runs and GET /runs/{id}; it never waits for a run.' });
    assert.deepEqual(flagged(stack), []);
  });

  test('finds the anti-pattern in a synthesized template file through CfnInclude', () => {
    const stack = newStack();
    fn(stack, 'ReportRunner', ['athena:StartQueryExecution', 'athena:GetQueryExecution']);
    fn(stack, 'StatusReader', ['athena:GetQueryExecution']);
    fn(stack, 'Transcriber', ['transcribe:StartTranscriptionJob']).role!.addManagedPolicy(
      new ManagedPolicy(stack, 'ReadTranscripts', {
        statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['transcribe:GetTranscriptionJob'], resources: ['*'] })],
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'synchronous-waiting-'));
    const file = join(dir, 'Fixture.template.json');
    writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    const findings = checkTemplateFiles([file]).filter((f) => f.rule === RULE);
    // Template.fromStack writes no construct paths, so the findings name logical ids.
    assert.deepEqual(
      findings.map((f) => f.logicalId.replace(/[0-9A-F]{8}$/, '')),
      ['ReportRunner', 'Transcriber'],
    );
    assert.ok(findings.every((f) => f.level === 'error' && f.stack === 'Fixture'));
  });
});
