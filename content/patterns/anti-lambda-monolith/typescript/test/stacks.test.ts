import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { SinglePurposeShopStack } from '../lib/anti-lambda-monolith-stack';
import { MonolithShopStack } from '../lib/before-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown };

/** Each function's non-plumbing IAM actions, by the construct id prefix of its logical id. */
function grantsByFunction(template: Template): Record<string, string[]> {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
  const byRole: Record<string, string[]> = {};
  for (const [, policy] of policies) {
    const role = (policy.Properties.Roles as { Ref: string }[])[0]!.Ref;
    const actions = (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) => [s.Action].flat()).filter((a) => !/^(logs|xray):/.test(a));
    byRole[role] = [...(byRole[role] ?? []), ...actions].sort();
  }
  const result: Record<string, string[]> = {};
  for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
    const role = fn.Properties.Role['Fn::GetAtt'][0] as string;
    result[id.replace(/[0-9A-F]{8}$/, '')] = byRole[role] ?? [];
  }
  return result;
}

function routesTo(template: Template): Record<string, string> {
  const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
  const result: Record<string, string> = {};
  for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route'))) {
    const integrationId = (route.Properties.Target['Fn::Join'][1] as unknown[]).find((p) => typeof p === 'object') as { Ref: string };
    const fn = integrations[integrationId.Ref]!.Properties.IntegrationUri['Fn::GetAtt'][0] as string;
    result[route.Properties.RouteKey as string] = fn.replace(/[0-9A-F]{8}$/, '');
  }
  return result;
}

describe('SinglePurposeShopStack (the fix)', () => {
  let template: Template;
  let stack: SinglePurposeShopStack;
  before(() => {
    stack = new SinglePurposeShopStack(appFromCdkJson(), 'Fix');
    template = Template.fromStack(stack);
  });

  test('sends each route to its own function, and nothing else to any function', () => {
    assert.deepEqual(routesTo(template), {
      'POST /customers': 'CreateCustomer',
      'GET /customers/{customerId}': 'GetCustomer',
      'DELETE /customers/{customerId}': 'DeleteCustomer',
      'POST /customers/{customerId}/orders': 'PlaceOrder',
    });
  });

  test('grants each function only the actions its one operation calls', () => {
    assert.deepEqual(grantsByFunction(template), {
      CreateCustomer: ['dynamodb:PutItem'],
      GetCustomer: ['dynamodb:GetItem'],
      DeleteCustomer: ['dynamodb:DeleteItem'],
      PlaceOrder: ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem'],
    });
    // The order function may only check customers, not write them.
    const customers = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable')).find((id) => id.startsWith('Customers'));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'dynamodb:ConditionCheckItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [customers, 'Arn'] } }]) },
    });
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  test('sizes each function for its own operation', () => {
    const sizing = Object.fromEntries(
      Object.entries(template.findResources('AWS::Lambda::Function')).map(([id, fn]) => [id.replace(/[0-9A-F]{8}$/, ''), [fn.Properties.MemorySize, fn.Properties.Timeout]]),
    );
    assert.deepEqual(sizing, { CreateCustomer: [256, 5], GetCustomer: [256, 3], DeleteCustomer: [256, 3], PlaceOrder: [512, 10] });
    template.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
  });

  test('throttles and access-logs the stage with the matched route', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 50 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"route":"\\$context.routeKey"') },
    });
  });

  test('alarms the one alarm topic on any 5xx answer of the API', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.AlarmActions]),
      [['AWS/ApiGateway', '5xx', 'Sum', 300, 1, [{ Ref: topics[0] }]]],
    );
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    Template.fromStack(new SinglePurposeShopStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'FixWithEmail')).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new SinglePurposeShopStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'NagFix');
    const monolith = new MonolithShopStack(appFromCdkJson(), 'NagBefore');
    for (const scope of [stack, withEmail, monolith]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        assert.deepEqual(pack.validateScope(scope).violations.map((v) => v.ruleName), [], `${pack.name} on ${scope.node.id}`);
      }
    }
  });
});

describe('MonolithShopStack (the anti-pattern)', () => {
  test('sends every method and path to one function whose role can read, write and delete both tables', () => {
    const template = Template.fromStack(new MonolithShopStack(appFromCdkJson(), 'Before'));
    assert.deepEqual(routesTo(template), { 'ANY /{proxy+}': 'ShopApi' });
    const { ShopApi } = grantsByFunction(template);
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:BatchWriteItem']) assert.ok(ShopApi!.includes(action), action);
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Timeout: 10 });
  });
});
