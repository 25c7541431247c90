import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { INIT_DURATION_ALARM_MS, LeanPackageStack } from '../lib/anti-large-deployment-packages-stack';
import { appFromCdkJson } from './cdk-app';

describe('LeanPackageStack', () => {
  let app: App;
  let stack: LeanPackageStack;
  let template: Template;
  let packageDir: string;

  before(() => {
    app = appFromCdkJson({ 'aws:cdk:enable-asset-metadata': true });
    stack = new LeanPackageStack(app, 'Under-Test');
    template = Template.fromStack(stack);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    packageDir = join(app.outdir, fn!.Metadata['aws:asset:path'] as string);
  });

  test("ships one minified file of the handler's own code, with the AWS SDK left to the runtime", () => {
    assert.deepEqual(readdirSync(packageDir), ['index.js']);
    const code = readFileSync(join(packageDir, 'index.js'), 'utf8');
    assert.ok(statSync(join(packageDir, 'index.js')).size < 10 * 1024, `index.js is ${code.length} bytes`);
    // The SDK is required from the runtime at load time, not compiled into the file.
    assert.match(code, /require\("@aws-sdk\/client-dynamodb"\)/);
    assert.match(code, /require\("@aws-sdk\/lib-dynamodb"\)/);
    assert.doesNotMatch(code, /sourceMappingURL/);
    assert.ok(code.split('\n').length < 5, 'minified');
    assert.equal(existsSync(join(packageDir, 'node_modules')), false);
  });

  test('runs GetProduct on Node.js 24 arm64 with the table name, tracing and JSON logs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 5,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: { Variables: { PRODUCTS_TABLE_NAME: { Ref: Match.stringLikeRegexp('^Products') } } },
    });
  });

  test('lets the function do nothing to the table but GetItem', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    const table = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    assert.deepEqual(
      dynamo.map((s) => [s.Action, s.Resource]),
      [['dynamodb:GetItem', { 'Fn::GetAtt': [table, 'Arn'] }]],
    );
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('routes only GET /products/{productId}, throttled, and lets only this API invoke the function', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    assert.deepEqual(routes, ['GET /products/{productId}']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    assert.equal(permissions.length, 1);
    assert.equal(permissions[0].Principal, 'apigateway.amazonaws.com');
  });

  test('alarms on 5xx answers, function errors and a cold start slower than one second, notifying one topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(alarms.map((a) => a.MetricName).sort(), ['5xx', 'Errors', 'GetProductInitDuration']);
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    const slow = alarms.find((a) => a.MetricName === 'GetProductInitDuration');
    assert.equal(slow.Statistic, 'Maximum');
    assert.equal(slow.Threshold, INIT_DURATION_ALARM_MS);
    assert.equal(slow.ComparisonOperator, 'GreaterThanThreshold');
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^GetProductLogs') },
      FilterPattern: '{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }',
      MetricTransformations: [Match.objectLike({ MetricName: 'GetProductInitDuration', MetricValue: '$.record.metrics.initDurationMs', Unit: 'Milliseconds' })],
    });
  });

  test('passes the AwsSolutions and Serverless rule packs', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const report = pack.validateScope(stack);
      assert.deepEqual(report.violations.map((v) => v.ruleName), [], pack.constructor.name);
    }
  });
});
