import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { RegionalApiStack } from '../lib/regional-api-stack';
import { OWN_ZONE, buildStacks, one, resourcesOf } from './stacks';

type Statement = { Action: string | string[]; Resource: unknown };

describe('ApiPrimaryStack and ApiSecondaryStack', () => {
  let primaryStack: RegionalApiStack;
  let secondaryStack: RegionalApiStack;
  let primary: Template;
  let secondary: Template;

  before(() => {
    const stacks = buildStacks(OWN_ZONE);
    primaryStack = stacks.primary;
    secondaryStack = stacks.secondary;
    primary = Template.fromStack(primaryStack);
    secondary = Template.fromStack(secondaryStack);
  });

  test('deploys the same API to us-east-1 and us-west-2, after the table', () => {
    assert.equal(primaryStack.region, 'us-east-1');
    assert.equal(secondaryStack.region, 'us-west-2');
    const stacks = buildStacks();
    assert.deepEqual(stacks.primary.dependencies.map((s) => s.stackName), ['PrimaryStack']);
    assert.deepEqual(stacks.secondary.dependencies.map((s) => s.stackName).sort(), ['ApiPrimaryStack', 'PrimaryStack']);
    for (const template of [primary, secondary]) {
      assert.deepEqual(
        Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey).sort(),
        ['GET /health', 'GET /items/{id}', 'PUT /items/{id}'],
      );
    }
  });

  test('serves the shared name in each Region over TLS 1.2 with a certificate validated in the hosted zone', () => {
    for (const template of [primary, secondary]) {
      const certificate = one(template, 'AWS::CertificateManager::Certificate');
      assert.equal(certificate.props.DomainName, 'orders.shop.example.net');
      assert.equal(certificate.props.ValidationMethod, 'DNS');
      assert.deepEqual(certificate.props.DomainValidationOptions, [{ DomainName: 'orders.shop.example.net', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }]);
      const domain = one(template, 'AWS::ApiGatewayV2::DomainName');
      assert.equal(domain.props.DomainName, 'orders.shop.example.net');
      assert.deepEqual(domain.props.DomainNameConfigurations, [{ CertificateArn: { Ref: certificate.id }, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }]);
      const api = one(template, 'AWS::ApiGatewayV2::Api');
      template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { ApiId: { Ref: api.id }, DomainName: { Ref: domain.id }, Stage: '$default' });
    }
  });

  test('points a PRIMARY failover record with the health check at us-east-1 and a SECONDARY one without at us-west-2', () => {
    const expectations: [Template, string, string, boolean][] = [
      [primary, 'PRIMARY', 'primary-us-east-1', true],
      [secondary, 'SECONDARY', 'secondary-us-west-2', false],
    ];
    for (const [template, failover, setIdentifier, checked] of expectations) {
      const record = one(template, 'AWS::Route53::RecordSet');
      const domain = one(template, 'AWS::ApiGatewayV2::DomainName');
      assert.equal(record.props.Type, 'A');
      assert.equal(record.props.Name, 'orders.shop.example.net.');
      assert.equal(record.props.HostedZoneId, 'Z0123456789ABCDEFGHIJ');
      assert.equal(record.props.Failover, failover);
      assert.equal(record.props.SetIdentifier, setIdentifier);
      assert.deepEqual(record.props.AliasTarget, {
        DNSName: { 'Fn::GetAtt': [domain.id, 'RegionalDomainName'] },
        HostedZoneId: { 'Fn::GetAtt': [domain.id, 'RegionalHostedZoneId'] },
        EvaluateTargetHealth: true,
      });
      if (checked) assert.deepEqual(record.props.HealthCheckId, { Ref: one(template, 'AWS::Route53::HealthCheck').id });
      else assert.equal(record.props.HealthCheckId, undefined);
    }
    secondary.resourceCountIs('AWS::Route53::HealthCheck', 0);
  });

  test("probes the primary's own execute-api /health over HTTPS every 30 seconds and fails over after 3 misses", () => {
    const api = one(primary, 'AWS::ApiGatewayV2::Api');
    const check = one(primary, 'AWS::Route53::HealthCheck');
    assert.deepEqual(check.props.HealthCheckConfig, {
      Type: 'HTTPS',
      FullyQualifiedDomainName: { 'Fn::Join': ['', [{ Ref: api.id }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }]] },
      Port: 443,
      ResourcePath: '/health',
      EnableSNI: true,
      RequestInterval: 30,
      FailureThreshold: 3,
      Inverted: false,
      MeasureLatency: false,
    });
  });

  test("lets each function only get and put items in its own Region's replica", () => {
    for (const [template, region] of [[primary, 'us-east-1'], [secondary, 'us-west-2']] as const) {
      const statements = Object.values(resourcesOf(template))
        .filter((r) => r.Type === 'AWS::IAM::Policy')
        .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
      const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
      assert.deepEqual(dynamo, [
        {
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [`arn:aws:dynamodb:${region}:`, { Ref: 'AWS::AccountId' }, ':table/multi-region-active-passive-items']] },
        },
      ]);
      const fn = one(template, 'AWS::Lambda::Function');
      assert.deepEqual(fn.props.Environment, { Variables: { TABLE_NAME: 'multi-region-active-passive-items' } });
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
        ManagedPolicyArns: Match.absent(),
      });
    }
  });

  test('runs each function on Node.js 24 on arm64 with JSON logs and without platform chatter per probe', () => {
    for (const template of [primary, secondary]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' }),
      });
    }
  });

  test('throttles and logs the default stage in both Regions', () => {
    for (const template of [primary, secondary]) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingBurstLimit: 25, ThrottlingRateLimit: 50 },
        AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      });
    }
  });

  test('alarms on 5xx answers and function errors in each Region, and on the failing health check in us-east-1', () => {
    const summary = (template: Template) => {
      const topic = one(template, 'AWS::SNS::Topic', 'AlarmTopic');
      const alarms = Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties);
      for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topic.id }]);
      return alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort();
    };
    const regional = [
      ['AWS/ApiGateway', '5xx', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
      ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
    ];
    assert.deepEqual(summary(secondary), regional);
    assert.deepEqual(summary(primary), [...regional, ['AWS/Route53', 'HealthCheckStatus', 'Minimum', 60, 1, 'LessThanThreshold']].sort());
    // Route 53 metrics exist only in us-east-1, so that is where the health-check alarm must be.
    assert.equal(primaryStack.region, 'us-east-1');
    primary.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthCheckStatus',
      Dimensions: [{ Name: 'HealthCheckId', Value: { Ref: one(primary, 'AWS::Route53::HealthCheck').id } }],
      TreatMissingData: 'breaching',
    });
    secondary.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = buildStacks({ alarmEmail: 'ops@example.com' });
    for (const stack of [withEmail.primary, withEmail.secondary]) {
      Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    }
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = buildStacks({ alarmEmail: 'ops@example.com' });
    for (const stack of [primaryStack, secondaryStack, withEmail.primary, withEmail.secondary]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(stack).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${stack.stackName}`);
      }
    }
  });
});
