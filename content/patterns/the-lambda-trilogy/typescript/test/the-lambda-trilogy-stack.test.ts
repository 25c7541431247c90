import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Stack } from 'aws-cdk-lib';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { FUNCTION_MEMORY_MB, STAGE_THROTTLE } from '../lib/calculator-parts';
import { TheFatLambdaStack, TheLambdaLithStack, TheSinglePurposeFunctionStack } from '../lib/the-lambda-trilogy-stack';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

/** "GET /add" -> logical id of the Lambda function its integration invokes. */
function routesToFunctions(template: Template): Map<string, string> {
  const resources = template.toJSON().Resources as Resources;
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    if (id && resources[id]?.Type === 'AWS::ApiGateway::Resource') return `/${resources[id].Properties.PathPart}`;
    return '/'; // the API's root resource
  };
  const routes = new Map<string, string>();
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::ApiGateway::Method') continue;
    const target = JSON.stringify(r.Properties.Integration.Uri).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/)?.[1];
    routes.set(`${r.Properties.HttpMethod} ${pathOf(r.Properties.ResourceId)}`, target ?? '?');
  }
  return routes;
}

function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  assert.equal(ids.length, 1, `expected one ${type} named ${prefix}*`);
  return ids[0]!;
}

describe('The Lambda Trilogy', () => {
  const stacks: Record<'single' | 'fat' | 'lith', Stack> = {} as never;
  const templates: Record<'single' | 'fat' | 'lith', Template> = {} as never;

  before(() => {
    const app = appFromCdkJson();
    stacks.single = new TheSinglePurposeFunctionStack(app, 'Single');
    stacks.fat = new TheFatLambdaStack(app, 'Fat');
    stacks.lith = new TheLambdaLithStack(app, 'Lith');
    for (const key of ['single', 'fat', 'lith'] as const) templates[key] = Template.fromStack(stacks[key]);
  });

  describe('single-purpose functions', () => {
    test('deploy one function per route, each behind exactly one GET route', () => {
      templates.single.resourceCountIs('AWS::Lambda::Function', 3);
      const routes = routesToFunctions(templates.single);
      assert.deepEqual([...routes.keys()].sort(), ['GET /add', 'GET /multiply', 'GET /subtract']);
      assert.match(routes.get('GET /add')!, /^AddFunction/);
      assert.match(routes.get('GET /subtract')!, /^SubtractFunction/);
      assert.match(routes.get('GET /multiply')!, /^MultiplyFunction/);
    });

    test('give every function its own role that reaches only its own log group', () => {
      templates.single.resourceCountIs('AWS::IAM::Role', 3);
      for (const name of ['AddFunction', 'SubtractFunction', 'MultiplyFunction']) {
        const role = logicalIdOf(templates.single, 'AWS::IAM::Role', `${name}Role`);
        const logGroup = logicalIdOf(templates.single, 'AWS::Logs::LogGroup', `${name}Logs`);
        const policies = Object.values(templates.single.findResources('AWS::IAM::Policy')).filter((p) =>
          JSON.stringify(p.Properties.Roles).includes(role),
        );
        assert.equal(policies.length, 1);
        const referenced = JSON.stringify(policies[0]!.Properties.PolicyDocument).match(/[A-Za-z]+FunctionLogs[A-F0-9]{8}/g) ?? [];
        assert.deepEqual([...new Set(referenced)], [logGroup], `${name} may only write its own logs`);
      }
    });
  });

  describe('fat Lambda', () => {
    test('sends all three GET routes to one function', () => {
      templates.fat.resourceCountIs('AWS::Lambda::Function', 1);
      const routes = routesToFunctions(templates.fat);
      assert.deepEqual([...routes.keys()].sort(), ['GET /add', 'GET /multiply', 'GET /subtract']);
      assert.deepEqual(new Set(routes.values()).size, 1);
      assert.match([...routes.values()][0]!, /^FatLambda/);
    });
  });

  test('single-purpose and fat Lambda: API Gateway requires both operands before invoking anything', () => {
    for (const key of ['single', 'fat'] as const) {
      templates[key].hasResourceProperties('AWS::ApiGateway::RequestValidator', {
        ValidateRequestParameters: true,
      });
      const methods = templates[key].findResources('AWS::ApiGateway::Method');
      assert.equal(Object.keys(methods).length, 3);
      for (const method of Object.values(methods)) {
        assert.deepEqual(method.Properties.RequestParameters, {
          'method.request.querystring.a': true,
          'method.request.querystring.b': true,
        });
        assert.ok(method.Properties.RequestValidatorId, 'each method uses the validator');
      }
    }
  });

  describe('Lambda-lith', () => {
    test('proxies every method and path to one function and leaves routing to Express', () => {
      templates.lith.resourceCountIs('AWS::Lambda::Function', 1);
      const routes = routesToFunctions(templates.lith);
      assert.deepEqual([...routes.keys()].sort(), ['ANY /', 'ANY /{proxy+}']);
      assert.equal(new Set(routes.values()).size, 1);
      templates.lith.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
    });
  });

  describe('shared guard rails, in all three stacks', () => {
    const KEYS = ['single', 'fat', 'lith'] as const;

    test('runs Node.js 24 on arm64 with the same memory, tracing and JSON logs', () => {
      for (const key of KEYS) {
        const functions = templates[key].findResources('AWS::Lambda::Function');
        for (const fn of Object.values(functions)) {
          assert.equal(fn.Properties.Runtime, 'nodejs24.x');
          assert.deepEqual(fn.Properties.Architectures, ['arm64']);
          assert.equal(fn.Properties.MemorySize, FUNCTION_MEMORY_MB);
          assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' });
          assert.equal(fn.Properties.LoggingConfig.LogFormat, 'JSON');
        }
      }
    });

    test('throttles, traces and access-logs the stage', () => {
      for (const key of KEYS) {
        templates[key].hasResourceProperties('AWS::ApiGateway::Stage', {
          StageName: 'prod',
          TracingEnabled: true,
          AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
          MethodSettings: Match.arrayWith([
            Match.objectLike({
              HttpMethod: '*',
              ResourcePath: '/*',
              ThrottlingRateLimit: STAGE_THROTTLE.rateLimit,
              ThrottlingBurstLimit: STAGE_THROTTLE.burstLimit,
            }),
          ]),
        });
      }
    });

    test('uses no AWS managed policy and grants nothing beyond logs and X-Ray', () => {
      for (const key of KEYS) {
        for (const role of Object.values(templates[key].findResources('AWS::IAM::Role'))) {
          assert.equal(role.Properties.ManagedPolicyArns, undefined);
        }
        const actions = Object.values(templates[key].findResources('AWS::IAM::Policy'))
          .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
          .flatMap((s) => [s.Action].flat());
        assert.ok(actions.length > 0);
        for (const action of actions) assert.match(action, /^(logs|xray):/);
      }
    });

    test('alarms the one alarm topic of each stack when its API answers a 5XX', () => {
      for (const key of KEYS) {
        const topics = Object.keys(templates[key].findResources('AWS::SNS::Topic'));
        assert.equal(topics.length, 1, key);
        const alarms = Object.values(templates[key].findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
        assert.equal(alarms.length, 1, key);
        assert.equal(alarms[0].MetricName, '5XXError');
        assert.equal(alarms[0].Namespace, 'AWS/ApiGateway');
        assert.deepEqual(alarms[0].AlarmActions, [{ Ref: topics[0] }]);
        assert.equal(alarms[0].Threshold, 1);
        templates[key].resourceCountIs('AWS::SNS::Subscription', 0);
      }
      const mailed = Template.fromStack(new TheFatLambdaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
      mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    });

    test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
      const mailedApp = appFromCdkJson({ alarmEmail: 'ops@example.com' });
      const mailed: Record<'single' | 'fat' | 'lith', Stack> = {
        single: new TheSinglePurposeFunctionStack(mailedApp, 'Nag-Mailed-Single'),
        fat: new TheFatLambdaStack(mailedApp, 'Nag-Mailed-Fat'),
        lith: new TheLambdaLithStack(mailedApp, 'Nag-Mailed-Lith'),
      };
      for (const [label, scope] of KEYS.flatMap((key) => [[key, stacks[key]], [`${key} with alarmEmail`, mailed[key]]] as const)) {
        for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
          const report = pack.validateScope(scope);
          const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
          assert.deepEqual(open, [], `${label}: ${pack.name} has unacknowledged findings`);
        }
      }
    });
  });
});
