import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { App, ArnFormat, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LambdaDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, Provider } from 'aws-cdk-lib/custom-resources';
import { TriggerFunction } from 'aws-cdk-lib/triggers';
import { checkTemplateFiles } from '../src/check-templates';
import { flaggedBy } from './flagged';

const RULE = 'AntiPattern-LambdaChaining';

function fn(scope: Stack, id: string): LambdaFunction {
  return new LambdaFunction(scope, id, {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({});'),
  });
}

function newStack(): Stack {
  return new Stack(new App(), 'Fixture');
}

const flagged = (stack: Stack) => flaggedBy(RULE, stack);

describe('LambdaChaining', () => {
  test('flags a function whose role may invoke another function of the stack, and only that one', () => {
    const stack = newStack();
    const placeOrder = fn(stack, 'PlaceOrder');
    const charge = fn(stack, 'ChargePayment');
    charge.grantInvoke(placeOrder);
    assert.deepEqual(flagged(stack), ['Fixture/PlaceOrder/Resource']);
  });

  test('flags an invoke grant on an alias or a version of the other function', () => {
    const stack = newStack();
    const caller = fn(stack, 'Caller');
    fn(stack, 'Callee').addAlias('live').grantInvoke(caller);
    const other = fn(stack, 'Other');
    fn(stack, 'Versioned').currentVersion.grantInvoke(other);
    assert.deepEqual(flagged(stack), ['Fixture/Caller/Resource', 'Fixture/Other/Resource']);
  });

  test('flags wildcard actions and wildcard resources', () => {
    const stack = newStack();
    const callee = fn(stack, 'Callee');
    const star = fn(stack, 'InvokesAnything');
    star.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: ['*'] }));
    const invokeStar = fn(stack, 'InvokeStar');
    invokeStar.addToRolePolicy(new PolicyStatement({ actions: ['lambda:Invoke*'], resources: [callee.functionArn] }));
    const lambdaStar = fn(stack, 'LambdaStar');
    lambdaStar.addToRolePolicy(new PolicyStatement({ actions: ['lambda:*'], resources: [callee.functionArn] }));
    const pattern = fn(stack, 'ArnPattern');
    pattern.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [stack.formatArn({ service: 'lambda', resource: 'function', resourceName: 'orders-*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })] }),
    );
    assert.deepEqual(flagged(stack), ['Fixture/ArnPattern/Resource', 'Fixture/InvokeStar/Resource', 'Fixture/InvokesAnything/Resource', 'Fixture/LambdaStar/Resource']);
  });

  test('flags a function of another stack reached by ARN, and managed policies that grant invoke', () => {
    const stack = newStack();
    const billing = LambdaFunction.fromFunctionArn(stack, 'Billing', 'arn:aws:lambda:us-east-1:111122223333:function:billing');
    const byArn = fn(stack, 'ByArn');
    byArn.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [billing.functionArn] }));
    const awsManaged = fn(stack, 'AwsManaged');
    awsManaged.role!.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaRole'));
    const callee = fn(stack, 'Callee');
    const customerManaged = fn(stack, 'CustomerManaged');
    new ManagedPolicy(stack, 'InvokePolicy', {
      statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [callee.functionArn] })],
      roles: [customerManaged.role!],
    });
    assert.deepEqual(flagged(stack), ['Fixture/AwsManaged/Resource', 'Fixture/ByArn/Resource', 'Fixture/CustomerManaged/Resource']);
  });

  test('flags a role written by hand with an inline policy, shared by two functions', () => {
    const stack = newStack();
    const callee = fn(stack, 'Callee');
    const role = new Role(stack, 'SharedRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: { invoke: new PolicyDocument({ statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [callee.functionArn] })] }) },
    });
    for (const id of ['First', 'Second']) {
      new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => ({});'), role });
    }
    assert.deepEqual(flagged(stack), ['Fixture/First/Resource', 'Fixture/Second/Resource']);
  });

  test('stays silent on a function that only reads, and leaves a function invoking only itself to RecursiveLambda', () => {
    const stack = newStack();
    const table = new TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING }, billing: Billing.onDemand() });
    const reader = fn(stack, 'Reader');
    table.grantReadData(reader);
    const self = fn(stack, 'Self');
    self.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [self.functionArn] }));
    const other = fn(stack, 'Other');
    other.addToRolePolicy(new PolicyStatement({ actions: ['lambda:GetFunction'], resources: ['*'] }));
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent on Lambda destinations, the fix, but not on a direct grant beside one', () => {
    const stack = newStack();
    const next = fn(stack, 'Next');
    const onFailure = fn(stack, 'OnFailure');
    new LambdaFunction(stack, 'Source', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({});'),
      onSuccess: new LambdaDestination(next),
      onFailure: new LambdaDestination(onFailure, { responseOnly: true }),
    });
    const mixed = new LambdaFunction(stack, 'Mixed', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({});'),
      onSuccess: new LambdaDestination(next),
    });
    onFailure.grantInvoke(mixed);
    assert.deepEqual(flagged(stack), ['Fixture/Mixed/Resource']);
  });

  test('stays silent on state machine and EventBridge Pipes roles that invoke functions', () => {
    const stack = newStack();
    const step = fn(stack, 'Step');
    new StateMachine(stack, 'Workflow', {
      definitionBody: DefinitionBody.fromChainable(new LambdaInvoke(stack, 'Run step', { lambdaFunction: step })),
    });
    const enrich = fn(stack, 'Enrich');
    const source = new Queue(stack, 'Source');
    const target = new Queue(stack, 'Target');
    const pipeRole = new Role(stack, 'PipeRole', { assumedBy: new ServicePrincipal('pipes.amazonaws.com') });
    enrich.grantInvoke(pipeRole);
    source.grantConsumeMessages(pipeRole);
    target.grantSendMessages(pipeRole);
    new CfnPipe(stack, 'Pipe', { roleArn: pipeRole.roleArn, source: source.queueArn, target: target.queueArn, enrichment: enrich.functionArn });
    assert.deepEqual(flagged(stack), []);
  });

  test("stays silent on CDK's own helper functions: provider framework, AwsCustomResource, triggers, BucketDeployment, autoDeleteObjects, log retention", () => {
    const stack = newStack();
    // Provider framework: framework-onEvent invokes the user's handlers, the waiter's functions invoke isComplete.
    const onEvent = fn(stack, 'OnEventHandler');
    const isComplete = fn(stack, 'IsCompleteHandler');
    const provider = new Provider(stack, 'Provider', { onEventHandler: onEvent, isCompleteHandler: isComplete, totalTimeout: Duration.minutes(5) });
    new CustomResource(stack, 'Seeded', { serviceToken: provider.serviceToken });
    // AwsCustomResource: the singleton may invoke an app function at deploy time.
    const seeder = fn(stack, 'Seeder');
    new AwsCustomResource(stack, 'InvokeSeeder', {
      onCreate: { service: 'Lambda', action: 'invoke', parameters: { FunctionName: seeder.functionName }, physicalResourceId: PhysicalResourceId.of('seeded') },
      policy: AwsCustomResourcePolicy.fromStatements([new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [seeder.functionArn] })]),
    });
    // Triggers: a CDK provider invokes the trigger function on deploy.
    new TriggerFunction(stack, 'Migrate', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => ({});') });
    // Helpers that never invoke functions.
    const bucket = new Bucket(stack, 'Site', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    new BucketDeployment(stack, 'Deploy', { destinationBucket: bucket, sources: [Source.data('index.html', '<p>hi</p>')] });
    new LambdaFunction(stack, 'WithLogRetention', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({});'),
      logRetention: RetentionDays.ONE_WEEK,
    });

    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties?: { Handler?: string } }> };
    // The fixture really contains the look-alikes: each helper role does grant lambda:InvokeFunction.
    const handlers = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties?.Handler);
    for (const h of ['framework.onEvent', 'framework.isComplete', 'framework.onTimeout']) assert.ok(handlers.includes(h), h);
    assert.match(JSON.stringify(template), /AWS679f53fac002430cb0da5b7982bd2287/);
    assert.match(JSON.stringify(template), /AWSCDKTriggerCustomResourceProvider/);
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent on CodeDeploy traffic hooks, which invoke the new version to test it during a deployment', () => {
    const stack = newStack();
    const greeter = fn(stack, 'Greeter');
    const live = greeter.addAlias('live');
    const preHook = fn(stack, 'PreTrafficHook');
    const postHook = fn(stack, 'PostTrafficHook');
    greeter.currentVersion.grantInvoke(preHook);
    live.grantInvoke(postHook);
    new LambdaDeploymentGroup(stack, 'Deployment', { alias: live, deploymentConfig: LambdaDeploymentConfig.ALL_AT_ONCE, preHook, postHook });
    // A hook wired by hand, outside the alias's update policy, is still known by its right to report a status.
    const manual = fn(stack, 'ManualHook');
    live.grantInvoke(manual);
    manual.addToRolePolicy(new PolicyStatement({ actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'], resources: ['*'] }));
    assert.deepEqual(flagged(stack), []);
  });

  test('reads synthesized template files through CfnInclude, whatever language wrote them', () => {
    // Path metadata as `cdk synth` writes it, so the finding can name the construct.
    const stack = new Stack(new App({ context: { 'aws:cdk:enable-path-metadata': true } }), 'Fixture');
    const placeOrder = fn(stack, 'PlaceOrder');
    fn(stack, 'ChargePayment').grantInvoke(placeOrder);
    const onEvent = fn(stack, 'OnEventHandler');
    new CustomResource(stack, 'Seeded', { serviceToken: new Provider(stack, 'Provider', { onEventHandler: onEvent }).serviceToken });
    const live = placeOrder.addAlias('live');
    const preHook = fn(stack, 'PreTrafficHook');
    // Granted by ARN string, as real hooks must be: a Ref to the alias would close a dependency cycle.
    preHook.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [`${placeOrder.functionArn}:live`] }));
    new LambdaDeploymentGroup(stack, 'Deployment', { alias: live, deploymentConfig: LambdaDeploymentConfig.ALL_AT_ONCE, preHook });
    const dir = mkdtempSync(join(tmpdir(), 'lambda-chaining-'));
    const file = join(dir, 'Chained.template.json');
    writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));

    const findings = checkTemplateFiles([file]).filter((f) => f.rule === RULE);
    assert.deepEqual(
      findings.map((f) => [f.stack, f.path]),
      [['Chained', 'Fixture/PlaceOrder/Resource']],
    );
  });
});
