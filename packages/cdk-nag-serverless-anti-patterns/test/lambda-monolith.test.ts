import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { App, type CfnResource, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LambdaIntegration, LambdaRestApi, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { CfnApi, HttpApi, HttpMethod, WebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration, WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Pass, StateMachine, DefinitionBody } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, Provider } from 'aws-cdk-lib/custom-resources';
import { NagRuleCompliance } from 'cdk-nag';
import { ServerlessAntiPatternChecks, checkTemplateFiles } from '../src';
import { accessKinds, lambdaMonolith } from '../src/rules/lambda-monolith';

const RULE = 'AntiPattern-LambdaMonolith';

function fn(stack: Stack, id: string): LambdaFunction {
  return new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => ({ statusCode: 200 });') });
}

function table(stack: Stack, id: string): TableV2 {
  return new TableV2(stack, id, { partitionKey: { name: 'id', type: AttributeType.STRING } });
}

/** Construct paths the pack flags with this rule. */
function flagged(stack: Stack): string[] {
  return new ServerlessAntiPatternChecks()
    .validateScope(stack)
    .violations.filter((v) => v.ruleName === RULE)
    .flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''))
    .sort();
}

function result(construct: { node: { defaultChild?: unknown } }): string {
  return lambdaMonolith.check(construct.node.defaultChild as CfnResource) as string;
}

describe('LambdaMonolith: the anti-pattern', () => {
  test('flags a LambdaRestApi proxy whose function may read and write a table', () => {
    const stack = new Stack(new App(), 'RestProxy');
    const app = fn(stack, 'App');
    table(stack, 'Things').grantReadWriteData(app);
    new LambdaRestApi(stack, 'Api', { handler: app });
    assert.deepEqual(flagged(stack), ['RestProxy/App/Resource']);
  });

  test('flags an HTTP API $default route to a function that reads one table and writes another', () => {
    const stack = new Stack(new App(), 'HttpDefault');
    const app = fn(stack, 'App');
    table(stack, 'Users').grantReadData(app);
    table(stack, 'Orders').grant(app, 'dynamodb:PutItem');
    new HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('All', app) });
    assert.deepEqual(flagged(stack), ['HttpDefault/App/Resource']);
  });

  test('flags ANY /{proxy+} on an HTTP API, and a greedy path under a prefix', () => {
    const stack = new Stack(new App(), 'HttpGreedy');
    const app = fn(stack, 'App');
    const other = fn(stack, 'Other');
    for (const f of [app, other]) {
      f.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }));
      f.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:123456789012:q'] }));
    }
    const api = new HttpApi(stack, 'Api');
    api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration: new HttpLambdaIntegration('All', app) });
    api.addRoutes({ path: '/admin/{rest+}', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('Admin', other) });
    assert.deepEqual(flagged(stack), ['HttpGreedy/App/Resource', 'HttpGreedy/Other/Resource']);
  });

  test('flags a function wired to routes on three distinct paths, even with no grants (the fat Lambda)', () => {
    const stack = new Stack(new App(), 'Fat');
    const fat = fn(stack, 'Fat');
    const api = new RestApi(stack, 'Api');
    for (const path of ['add', 'subtract', 'multiply']) api.root.addResource(path).addMethod('GET', new LambdaIntegration(fat));
    assert.deepEqual(flagged(stack), ['Fat/Fat/Resource']);
  });

  test('follows an alias to its function, and counts a wildcard action as read and write', () => {
    const stack = new Stack(new App(), 'Alias');
    const app = fn(stack, 'App');
    app.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/t'] }));
    new HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('All', app.addAlias('live')) });
    assert.deepEqual(flagged(stack), ['Alias/App/Resource']);
    assert.deepEqual([...accessKinds(['dynamodb:*'])].sort(), ['dynamodb:read', 'dynamodb:write']);
    assert.deepEqual([...accessKinds(['*'])].sort(), ['*:read', '*:write']);
  });

  test('flags a catch-all function carrying a broad managed policy', () => {
    const stack = new Stack(new App(), 'Managed');
    const role = new Role(stack, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'), ManagedPolicy.fromAwsManagedPolicyName('AmazonDynamoDBFullAccess')],
    });
    const app = new LambdaFunction(stack, 'App', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('x'), role });
    new LambdaRestApi(stack, 'Api', { handler: app });
    assert.deepEqual(flagged(stack), ['Managed/App/Resource']);
  });

  test('flags an HTTP API quick-created with a function as its target', () => {
    const stack = new Stack(new App(), 'QuickCreate');
    const app = fn(stack, 'App');
    table(stack, 'Things').grantReadWriteData(app);
    new CfnApi(stack, 'Api', { name: 'quick', protocolType: 'HTTP', target: app.functionArn });
    assert.deepEqual(flagged(stack), ['QuickCreate/App/Resource']);
  });
});

describe('LambdaMonolith: what it leaves alone', () => {
  test('passes one function per route, each with its own narrow role', () => {
    const stack = new Stack(new App(), 'PerRoute');
    const users = table(stack, 'Users');
    const api = new HttpApi(stack, 'Api');
    const routes: [string, HttpMethod, string, string][] = [
      ['Create', HttpMethod.POST, '/users', 'dynamodb:PutItem'],
      ['Read', HttpMethod.GET, '/users/{id}', 'dynamodb:GetItem'],
      ['Remove', HttpMethod.DELETE, '/users/{id}', 'dynamodb:DeleteItem'],
      ['Orders', HttpMethod.GET, '/users/{id}/orders', 'dynamodb:Query'],
    ];
    const functions = routes.map(([id, method, path, action]) => {
      const f = fn(stack, id);
      users.grant(f, action);
      api.addRoutes({ path, methods: [method], integration: new HttpLambdaIntegration(`${id}Integration`, f) });
      return f;
    });
    assert.deepEqual(flagged(stack), []);
    for (const f of functions) assert.equal(result(f), NagRuleCompliance.COMPLIANT);
  });

  test('passes a function per resource: a collection and its items, every method, read and write', () => {
    const stack = new Stack(new App(), 'PerResource');
    const items = fn(stack, 'Items');
    table(stack, 'Table').grantReadWriteData(items);
    const api = new RestApi(stack, 'Api', { defaultCorsPreflightOptions: { allowOrigins: ['https://example.com'] } });
    const collection = api.root.addResource('items');
    const item = collection.addResource('{id}');
    for (const m of ['GET', 'POST']) collection.addMethod(m, new LambdaIntegration(items));
    for (const m of ['GET', 'PUT', 'DELETE', 'ANY']) item.addMethod(m, new LambdaIntegration(items));
    assert.deepEqual(flagged(stack), []);
    assert.equal(result(items), NagRuleCompliance.COMPLIANT);
  });

  test('passes a catch-all function that holds one kind of access (a hit counter for any path)', () => {
    const stack = new Stack(new App(), 'HitCounter');
    const counter = fn(stack, 'HitCounter');
    table(stack, 'Hits').grant(counter, 'dynamodb:UpdateItem');
    new HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('All', counter) });
    const bare = fn(stack, 'Greeter');
    new LambdaRestApi(stack, 'Rest', { handler: bare });
    assert.deepEqual(flagged(stack), []);
  });

  test('does not count logs, X-Ray, KMS or VPC networking as access', () => {
    assert.deepEqual(
      [...accessKinds(['logs:PutLogEvents', 'xray:PutTraceSegments', 'kms:Decrypt', 'ec2:CreateNetworkInterface', 'ec2:DescribeSubnets', 'dynamodb:UpdateItem'])],
      ['dynamodb:write'],
    );
    assert.deepEqual([...accessKinds(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'])], ['dynamodb:read']);
  });

  test('ignores a WebSocket API, whose $default route carries messages rather than operations', () => {
    const stack = new Stack(new App(), 'WebSocket');
    const messages = fn(stack, 'Messages');
    table(stack, 'Connections').grantReadWriteData(messages);
    const api = new WebSocketApi(stack, 'Api', { defaultRouteOptions: { integration: new WebSocketLambdaIntegration('Default', messages) } });
    api.addRoute('$connect', { integration: new WebSocketLambdaIntegration('Connect', messages) });
    api.addRoute('send', { integration: new WebSocketLambdaIntegration('Send', messages) });
    assert.deepEqual(flagged(stack), []);
  });

  test('passes functions no API invokes: CDK helpers, custom resources, deployments, queue consumers', () => {
    const stack = new Stack(new App(), 'Helpers');
    const bucket = new Bucket(stack, 'Bucket', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY });
    new BucketDeployment(stack, 'Deploy', { sources: [Source.data('index.html', '<p>hi</p>')], destinationBucket: bucket });
    new AwsCustomResource(stack, 'Lookup', {
      onCreate: { service: 'SSM', action: 'getParameter', parameters: { Name: 'p' }, physicalResourceId: PhysicalResourceId.of('p') },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    const onEvent = fn(stack, 'OnEvent');
    table(stack, 'State').grantReadWriteData(onEvent);
    new CustomResource(stack, 'Custom', { serviceToken: new Provider(stack, 'Provider', { onEventHandler: onEvent }).serviceToken });
    const worker = new LambdaFunction(stack, 'Worker', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('x'), logRetention: RetentionDays.ONE_DAY });
    new Queue(stack, 'Queue').grantConsumeMessages(worker);
    new Topic(stack, 'Topic').grantPublish(worker);
    assert.deepEqual(flagged(stack), []);
    assert.equal(result(worker), NagRuleCompliance.COMPLIANT);
  });

  test('is not applicable to state machines, pipes, roles or tables', () => {
    const stack = new Stack(new App(), 'Others');
    const machine = new StateMachine(stack, 'Machine', { definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Pass')), timeout: Duration.minutes(1) });
    const pipeRole = new Role(stack, 'PipeRole', { assumedBy: new ServicePrincipal('pipes.amazonaws.com') });
    const queue = new Queue(stack, 'Source');
    queue.grantConsumeMessages(pipeRole);
    machine.grantStartExecution(pipeRole);
    const pipe = new CfnPipe(stack, 'Pipe', { roleArn: pipeRole.roleArn, source: queue.queueArn, target: machine.stateMachineArn });
    const t = table(stack, 'Table');
    for (const node of [machine.node.defaultChild, pipe, pipeRole.node.defaultChild, t.node.defaultChild]) {
      assert.equal(lambdaMonolith.check(node as CfnResource), NagRuleCompliance.NOT_APPLICABLE);
    }
    assert.deepEqual(flagged(stack), []);
  });
});

describe('LambdaMonolith through CfnInclude', () => {
  test('flags the proxy function in a synthesized template file and passes the per-route one', () => {
    const app = new App();
    const monolith = new Stack(app, 'Monolith');
    const all = fn(monolith, 'All');
    table(monolith, 'Things').grantReadWriteData(all);
    new LambdaRestApi(monolith, 'Api', { handler: all });
    const single = new Stack(app, 'Single');
    const read = fn(single, 'Read');
    table(single, 'Things').grantReadData(read);
    new RestApi(single, 'Api').root.addResource('things').addMethod('GET', new LambdaIntegration(read));

    const dir = mkdtempSync(join(tmpdir(), 'lambda-monolith-'));
    const files = [monolith, single].map((stack) => {
      const file = join(dir, `${stack.stackName}.template.json`);
      writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
      return file;
    });
    const findings = checkTemplateFiles(files).filter((f) => f.rule === RULE);
    assert.deepEqual(
      findings.map((f) => [f.stack, f.logicalId.replace(/[0-9A-F]{8}$/, '')]),
      [['Monolith', 'All']],
    );
  });
});
