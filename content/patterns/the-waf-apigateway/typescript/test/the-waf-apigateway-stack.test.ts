import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { MANAGED_RULE_GROUPS } from '../lib/regional-firewall';
import { DEFAULT_MONTHLY_BUDGET_USD, RATE_LIMIT, TheWafApigatewayStack } from '../lib/the-waf-apigateway-stack';

type Rule = {
  Name: string;
  Priority: number;
  Statement: Record<string, any>;
  Action?: Record<string, any>;
  OverrideAction?: Record<string, any>;
  VisibilityConfig: Record<string, unknown>;
};

describe('TheWafApigatewayStack', () => {
  let stack: TheWafApigatewayStack;
  let template: Template;
  let acl: { id: string; props: Record<string, any> };

  const idOf = (type: string) => {
    const ids = Object.keys(template.findResources(type));
    assert.equal(ids.length, 1, `expected exactly one ${type}`);
    return ids[0]!;
  };

  before(() => {
    stack = new TheWafApigatewayStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    const id = idOf('AWS::WAFv2::WebACL');
    acl = { id, props: template.findResources('AWS::WAFv2::WebACL')[id]!.Properties };
  });

  test('is a regional web ACL that allows by default and records metrics and samples', () => {
    assert.equal(acl.props.Scope, 'REGIONAL');
    assert.deepEqual(acl.props.DefaultAction, { Allow: {} });
    assert.equal(acl.props.VisibilityConfig.CloudWatchMetricsEnabled, true);
    assert.equal(acl.props.VisibilityConfig.SampledRequestsEnabled, true);
    for (const rule of acl.props.Rules as Rule[]) {
      assert.deepEqual(rule.VisibilityConfig, { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: rule.Name });
    }
  });

  test('runs exactly these rules, in this order', () => {
    const rules = acl.props.Rules as Rule[];
    assert.deepEqual(
      rules.map((r) => [r.Priority, r.Name]),
      [
        [0, 'AWSManagedRulesAmazonIpReputationList'],
        [1, 'RateLimitPerIp'],
        [2, 'AWSManagedRulesCommonRuleSet'],
        [3, 'AWSManagedRulesKnownBadInputsRuleSet'],
      ],
    );
  });

  test('uses the AWS managed rule groups with their own block actions', () => {
    const managed = (acl.props.Rules as Rule[]).filter((r) => r.Statement.ManagedRuleGroupStatement);
    assert.deepEqual(managed.map((r) => r.Statement.ManagedRuleGroupStatement), MANAGED_RULE_GROUPS.map((Name) => ({ Name, VendorName: 'AWS' })));
    // A "count" override would leave the rule groups watching but never blocking.
    for (const rule of managed) assert.deepEqual(rule.OverrideAction, { None: {} });
  });

  test('blocks an address above 100 requests a minute with a 429', () => {
    const rate = (acl.props.Rules as Rule[]).find((r) => r.Name === 'RateLimitPerIp')!;
    assert.deepEqual(rate.Statement, { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 100, EvaluationWindowSec: 60 } });
    assert.deepEqual(RATE_LIMIT, { requestsPerIp: 100, windowSeconds: 60 });
    assert.deepEqual(rate.Action, { Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'too-many-requests' } } });
    assert.equal(acl.props.CustomResponseBodies['too-many-requests'].ContentType, 'APPLICATION_JSON');
  });

  test('associates the web ACL with the prod stage of the REST API', () => {
    const api = idOf('AWS::ApiGateway::RestApi');
    const stage = idOf('AWS::ApiGateway::Stage');
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [acl.id, 'Arn'] },
      ResourceArn: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, '::/restapis/', { Ref: api }, '/stages/', { Ref: stage }]],
      },
    });
  });

  test('serves the API from a regional endpoint, as regional web ACLs require', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });

  test('logs blocked and counted requests to an aws-waf-logs- log group, without credentials', () => {
    const logs = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([, r]) => r.Properties.LogGroupName);
    assert.equal(logs.length, 1);
    const [logsId, logGroup] = logs[0]!;
    assert.match(logGroup.Properties.LogGroupName, /^aws-waf-logs-/);
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [acl.id, 'Arn'] },
      // The bare ARN: WAF rejects the ":*" form the log group's Arn attribute returns.
      LogDestinationConfigs: [{ 'Fn::Join': ['', Match.arrayWith([':log-group:', { Ref: logsId }])] }],
      LoggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [Match.objectLike({ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }] })],
      },
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }],
    });
    const destination = JSON.stringify(template.findResources('AWS::WAFv2::LoggingConfiguration'));
    assert.doesNotMatch(destination, /:\*"/);
  });

  test('sends GET /hello to the greeter function through a proxy integration', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
  });

  test('keeps the stage throttled and access-logged behind the web ACL', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('wafResponseCode') }),
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
  });

  test('gives the function a role with no managed policy and no data access', () => {
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((s) => [s.Action].flat())
      .sort();
    assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  test('sends API 5xx answers and function errors to the one alarm topic', () => {
    const topic = idOf('AWS::SNS::Topic');
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    assert.deepEqual(alarms.map(([id]) => id.replace(/[A-F0-9]{8}$/, '')).sort(), ['ApiServerErrorsAlarm', 'GreeterErrorsAlarm']);
    for (const [id, alarm] of alarms) {
      assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }], id);
      assert.deepEqual([alarm.Properties.Statistic, alarm.Properties.Period, alarm.Properties.Threshold], ['Sum', 300, 1], id);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/ApiGateway', MetricName: '5XXError' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const mailed = Template.fromStack(new TheWafApigatewayStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test("tells the alarm topic when the month's AWS WAF charges pass the budget", () => {
    const topic = idOf('AWS::SNS::Topic');
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: DEFAULT_MONTHLY_BUDGET_USD, Unit: 'USD' },
        CostFilters: { Service: ['AWS WAF'] },
      },
      NotificationsWithSubscribers: Match.arrayWith([
        { Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 100 }), Subscribers: [{ SubscriptionType: 'SNS', Address: { Ref: topic } }] },
      ]),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    const custom = Template.fromStack(new TheWafApigatewayStack(appFromCdkJson({ monthlyBudgetUsd: '40' }), 'Custom'));
    custom.hasResourceProperties('AWS::Budgets::Budget', { Budget: Match.objectLike({ BudgetLimit: { Amount: 40, Unit: 'USD' } }) });
    assert.throws(() => new TheWafApigatewayStack(appFromCdkJson({ monthlyBudgetUsd: '0' }), 'Zero'), /positive number/);
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheWafApigatewayStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
    }
  });
});
