import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheDestinedLambdaStack } from '../lib/the-destined-lambda-stack';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown };

/** Flattens an Fn::Join into one string, writing references as `${LogicalId}`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(flatten).join(v['Fn::Join'][0]);
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

describe('TheDestinedLambdaStack', () => {
  let stack: TheDestinedLambdaStack;
  let template: Template;
  let ids: Record<'topic' | 'bus' | 'dlq' | 'processor' | 'success' | 'failure' | 'apiRole', string>;

  const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
  const logicalId = (prefix: string, type: string) => {
    const matches = Object.keys(resources(type)).filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    assert.equal(matches.length, 1, `expected one ${type} named ${prefix}`);
    return matches[0];
  };
  const statementsOf = (roleId: string) =>
    Object.values(resources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const invokeConfigOf = (fn: string) => {
    const found = Object.values(resources('AWS::Lambda::EventInvokeConfig')).filter((c) => c.Properties.FunctionName.Ref === fn);
    assert.equal(found.length, 1);
    return found[0].Properties;
  };

  before(() => {
    stack = new TheDestinedLambdaStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    ids = {
      topic: logicalId('Messages', 'AWS::SNS::Topic'),
      bus: logicalId('InvocationResults', 'AWS::Events::EventBus'),
      dlq: logicalId('ResultsDlq', 'AWS::SQS::Queue'),
      processor: logicalId('Processor', 'AWS::Lambda::Function'),
      success: logicalId('SuccessHandler', 'AWS::Lambda::Function'),
      failure: logicalId('FailureHandler', 'AWS::Lambda::Function'),
      apiRole: logicalId('ApiPublishRole', 'AWS::IAM::Role'),
    };
  });

  describe('API Gateway straight to SNS', () => {
    test('publishes the request body with sns:Publish through a direct AWS integration', () => {
      const [method] = Object.values(resources('AWS::ApiGateway::Method'));
      const integration = method.Properties.Integration;
      assert.equal(method.Properties.HttpMethod, 'POST');
      assert.equal(integration.Type, 'AWS');
      assert.match(flatten(integration.Uri), /:apigateway:\$\{AWS::Region\}:sns:action\/Publish$/);
      assert.deepEqual(integration.Credentials, { 'Fn::GetAtt': [ids.apiRole, 'Arn'] });
      assert.equal(integration.PassthroughBehavior, 'NEVER');
      assert.deepEqual(flatten(integration.RequestTemplates['application/json']).split('&'), [
        'Action=Publish',
        `TopicArn=$util.urlEncode('\${${ids.topic}}')`,
        'Message=$util.urlEncode($input.body)',
      ]);
      assert.deepEqual(
        integration.IntegrationResponses.map((r: Record<string, string>) => [r.StatusCode, r.SelectionPattern]),
        [['202', '2\\d{2}'], ['500', undefined]],
      );
    });

    test('validates the body and throttles the stage', () => {
      const [model] = Object.values(resources('AWS::ApiGateway::Model'));
      assert.deepEqual(model.Properties.Schema.required, ['message']);
      assert.equal(model.Properties.Schema.additionalProperties, false);
      assert.deepEqual(model.Properties.Schema.properties.message, { type: 'string', minLength: 1, maxLength: 256 });
      template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })],
      });
    });

    test('lets API Gateway do nothing but publish to the one topic', () => {
      const role = resources('AWS::IAM::Role')[ids.apiRole];
      assert.deepEqual(
        role.Properties.Policies.map((p: any) => p.PolicyDocument.Statement),
        [[{ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: ids.topic } }]],
      );
      assert.deepEqual(statementsOf(ids.apiRole), []);
    });

    test('has no Lambda between the API and the topic', () => {
      assert.equal(Object.keys(resources('AWS::Lambda::Function')).length, 3, 'processor and two record handlers only');
      const apiPermissions = Object.values(resources('AWS::Lambda::Permission')).filter(
        (p) => p.Properties.Principal === 'apigateway.amazonaws.com',
      );
      assert.deepEqual(apiPermissions, []);
    });
  });

  describe('SNS to the processor, asynchronously', () => {
    test('subscribes the processor to the topic, the only subscription', () => {
      const subscriptions = Object.values(resources('AWS::SNS::Subscription'));
      assert.deepEqual(
        subscriptions.map((s) => s.Properties),
        [{ Protocol: 'lambda', TopicArn: { Ref: ids.topic }, Endpoint: { 'Fn::GetAtt': [ids.processor, 'Arn'] } }],
      );
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: ids.topic },
        FunctionName: { 'Fn::GetAtt': [ids.processor, 'Arn'] },
      });
    });

    test('retries a failed invocation once, drops events older than an hour, and sends both outcomes to the bus', () => {
      const bus = { 'Fn::GetAtt': [ids.bus, 'Arn'] };
      assert.deepEqual(invokeConfigOf(ids.processor), {
        FunctionName: { Ref: ids.processor },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 1,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnSuccess: { Destination: bus }, OnFailure: { Destination: bus } },
      });
    });

    test('lets the processor put events on the results bus only', () => {
      const statements = statementsOf(logicalId('ProcessorRole', 'AWS::IAM::Role'));
      const nonLogging = statements.filter((s) => ![s.Action].flat().every((a) => /^(logs|xray):/.test(a)));
      assert.deepEqual(nonLogging, [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.bus, 'Arn'] } }]);
    });
  });

  describe('rules on the results bus', () => {
    const rulePattern = (detailType: string) => ({
      source: ['lambda'],
      'detail-type': [detailType],
      detail: { requestContext: { functionArn: [{ prefix: `\${${ids.processor}.Arn}:` }] } },
    });
    const ruleOf = (name: string) => resources('AWS::Events::Rule')[logicalId(name, 'AWS::Events::Rule')].Properties;
    const patternOf = (name: string) => {
      const pattern = structuredClone(ruleOf(name).EventPattern);
      const arn = pattern.detail.requestContext.functionArn[0];
      arn.prefix = flatten(arn.prefix);
      return pattern;
    };

    test("routes only this processor's success records to SuccessHandler", () => {
      assert.deepEqual(patternOf('SuccessRule'), rulePattern('Lambda Function Invocation Result - Success'));
      assert.deepEqual(ruleOf('SuccessRule').EventBusName, { Ref: ids.bus });
    });

    test("routes only this processor's failure records to FailureHandler", () => {
      assert.deepEqual(patternOf('FailureRule'), rulePattern('Lambda Function Invocation Result - Failure'));
      assert.deepEqual(ruleOf('FailureRule').EventBusName, { Ref: ids.bus });
    });

    test('gives each rule one target with a retry policy and the DLQ', () => {
      for (const [rule, fn] of [
        ['SuccessRule', ids.success],
        ['FailureRule', ids.failure],
      ]) {
        assert.deepEqual(ruleOf(rule).Targets, [
          {
            Id: 'Target0',
            Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] } },
          },
        ]);
      }
    });

    test('parks what the record handlers fail on in ResultsDlq, after two retries', () => {
      for (const fn of [ids.success, ids.failure]) {
        const config = invokeConfigOf(fn);
        assert.equal(config.MaximumRetryAttempts, 2);
        assert.deepEqual(config.DestinationConfig, { OnFailure: { Destination: { 'Fn::GetAtt': [ids.dlq, 'Arn'] } } });
      }
      const queue = resources('AWS::SQS::Queue')[ids.dlq];
      assert.equal(queue.Properties.SqsManagedSseEnabled, true);
      assert.equal(queue.Properties.MessageRetentionPeriod, 14 * 24 * 3600);
    });
  });

  test('runs all three functions on Node.js 24, arm64, traced, JSON-logged, without managed policies', () => {
    for (const fn of Object.values(resources('AWS::Lambda::Function'))) {
      assert.equal(fn.Properties.Runtime, 'nodejs24.x');
      assert.deepEqual(fn.Properties.Architectures, ['arm64']);
      assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
      assert.equal(fn.Properties.LoggingConfig.LogFormat, 'JSON');
    }
    for (const role of Object.values(resources('AWS::IAM::Role'))) assert.equal(role.Properties.ManagedPolicyArns, undefined);
  });

  test('alarms on every failed attempt, every failure record and anything parked in ResultsDlq, notifying one alarm topic', () => {
    const alarmTopic = logicalId('AlarmTopic', 'AWS::SNS::Topic');
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const target = (a: Record<string, any>) => a.Dimensions[0].Value.Ref ?? a.Dimensions[0].Value['Fn::GetAtt'][0];
    assert.deepEqual(
      alarms.map((a) => [a.MetricName, target(a), a.Statistic, a.Period]).sort(),
      [
        ['ApproximateNumberOfMessagesVisible', ids.dlq, 'Maximum', 60],
        ['Errors', ids.failure, 'Sum', 300],
        ['Errors', ids.processor, 'Sum', 300],
        ['Errors', ids.success, 'Sum', 300],
        ['Invocations', ids.failure, 'Sum', 300],
      ].sort(),
    );
    for (const a of alarms) {
      assert.deepEqual([a.Threshold, a.ComparisonOperator, a.TreatMissingData], [1, 'GreaterThanOrEqualToThreshold', 'notBreaching']);
      assert.deepEqual(a.AlarmActions, [{ Ref: alarmTopic }]);
    }
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
    const withEmail = Template.fromStack(new TheDestinedLambdaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheDestinedLambdaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});
