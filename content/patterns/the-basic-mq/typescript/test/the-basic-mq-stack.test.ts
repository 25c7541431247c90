import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { BROKER_PORTS, resolveSettings } from '../lib/settings';
import { ADMIN_USER, DEFAULT_MONTHLY_BUDGET_USD, TheBasicMqStack } from '../lib/the-basic-mq-stack';

const PORTS = Object.values(BROKER_PORTS).sort();

function synth(context: Record<string, unknown>, appContext: Record<string, unknown> = {}) {
  const stack = new TheBasicMqStack(appFromCdkJson(appContext), 'Under-Test', { settings: resolveSettings(context) });
  return { stack, template: Template.fromStack(stack) };
}

type Condition = { Ref: string } | { 'Fn::Not': [Condition] } | { 'Fn::Equals': [Condition | string, Condition | string] } | string;

/** Evaluates a rule assertion the way CloudFormation does, with the given parameter values. */
function evaluate(condition: Condition, parameters: Record<string, string>): string | boolean {
  if (typeof condition === 'string') return condition;
  if ('Ref' in condition) return parameters[condition.Ref]!;
  if ('Fn::Not' in condition) return !evaluate(condition['Fn::Not'][0], parameters);
  const [a, b] = condition['Fn::Equals'];
  return evaluate(a, parameters) === evaluate(b, parameters);
}

describe('TheBasicMqStack with the default settings', () => {
  let stack: TheBasicMqStack;
  let template: Template;

  before(() => {
    ({ stack, template } = synth({}));
  });

  function groupId(prefix: string): string {
    const ids = Object.keys(
      template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp(`^${prefix}`) } }),
    );
    assert.equal(ids.length, 1, prefix);
    return ids[0]!;
  }

  /** [group, peer, port] for every ingress rule, sorted. */
  function ingressRules(): [string, string, number][] {
    return Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => r.Properties)
      .map((p): [string, string, number] => [p.GroupId['Fn::GetAtt'][0], p.SourceSecurityGroupId['Fn::GetAtt'][0], p.FromPort])
      .sort();
  }

  test('runs a private, single-instance ActiveMQ broker in one isolated subnet', () => {
    template.hasResourceProperties('AWS::AmazonMQ::Broker', {
      EngineType: 'ACTIVEMQ',
      DeploymentMode: 'SINGLE_INSTANCE',
      HostInstanceType: 'mq.t3.micro',
      PubliclyAccessible: false,
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcIsolatedSubnet1') }],
      Logs: { General: true, Audit: true },
    });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
  });

  test('takes the admin password from Secrets Manager at deploy time, never as a literal', () => {
    const [broker] = Object.values(template.findResources('AWS::AmazonMQ::Broker'));
    const [user] = broker!.Properties.Users;
    assert.equal(user.Username, ADMIN_USER);
    assert.equal(user.ConsoleAccess, true);
    assert.match(JSON.stringify(user.Password), /\{\{resolve:secretsmanager:.*BrokerAdmin.*:SecretString:password::\}\}/);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: JSON.stringify({ username: ADMIN_USER }), ExcludePunctuation: true }),
    });
  });

  test('puts an internal, cross-zone NLB with its own security group in front', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internal',
      SecurityGroups: [{ 'Fn::GetAtt': [groupId('Load balancer'), 'GroupId'] }],
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
    });
  });

  test('terminates TLS with the ACM certificate on every broker port', () => {
    const listeners = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener')).map((r) => r.Properties);
    assert.deepEqual(listeners.map((l) => l.Port).sort(), PORTS);
    for (const listener of listeners) {
      assert.equal(listener.Protocol, 'TLS');
      assert.equal(listener.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
      assert.equal(listener.Certificates.length, 1);
      assert.match(listener.Certificates[0].CertificateArn.Ref, /^Certificate/);
    }
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'mq.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'mq.example.com', HostedZoneId: 'Z0000000000000000EXMP' }],
    });
  });

  test('re-encrypts to the broker private IP, read from the broker by index', () => {
    const groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).map((r) => r.Properties);
    assert.deepEqual(groups.map((g) => g.Port).sort(), PORTS);
    for (const group of groups) {
      assert.equal(group.Protocol, 'TLS');
      assert.equal(group.TargetType, 'ip');
      assert.deepEqual(group.Targets, [{ Id: { 'Fn::Select': [0, { 'Fn::GetAtt': ['Broker', 'IpAddresses'] }] }, Port: group.Port }]);
    }
  });

  test('lets clients reach only the NLB, and only the NLB reach the broker', () => {
    const client = groupId('Broker clients');
    const nlb = groupId('Load balancer');
    const broker = groupId('ActiveMQ broker');
    const expected = [
      ...PORTS.map((port): [string, string, number] => [nlb, client, port]),
      ...PORTS.map((port): [string, string, number] => [broker, nlb, port]),
    ].sort();
    assert.deepEqual(ingressRules(), expected);
    template.hasResourceProperties('AWS::AmazonMQ::Broker', { SecurityGroups: [{ 'Fn::GetAtt': [broker, 'GroupId'] }] });
  });

  test('points the stable name at the load balancer', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'mq.example.com.',
      Type: 'A',
      AliasTarget: { DNSName: Match.anyValue(), HostedZoneId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Nlb'), 'CanonicalHostedZoneID'] } },
    });
  });

  test('lets Amazon MQ write logs for this account only', () => {
    const [policy] = Object.values(template.findResources('AWS::Logs::ResourcePolicy'));
    const document = JSON.stringify(policy!.Properties.PolicyDocument);
    assert.match(document, /mq\.amazonaws\.com/);
    assert.match(document, /aws:SourceAccount/);
    assert.match(document, /log-group:\/aws\/amazonmq\/broker\/\*/);
  });

  test('refuses to deploy against the placeholder zone', () => {
    const json = template.toJSON();
    const rule = json.Rules?.RequireRealDomain;
    assert.ok(rule, 'the guard rule exists');
    const defaults = { ZoneName: json.Parameters.ZoneName.Default as string };
    assert.equal(defaults.ZoneName, 'example.com');
    // A deploy with the synthesized defaults fails the assertion, so CloudFormation creates nothing.
    assert.equal(evaluate(rule.Assertions[0].Assert, defaults), false);
    assert.equal(evaluate(rule.Assertions[0].Assert, { ZoneName: 'example.org' }), true);
    assert.match(rule.Assertions[0].AssertDescription, /-c zoneName=.*-c hostedZoneId=/);
  });

  test('alarms on the one alarm topic when no broker passes the health check for five minutes', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 1);
    const alarm = alarms[0]!.Properties;
    assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    assert.equal(alarm.Namespace, 'AWS/NetworkELB');
    assert.equal(alarm.MetricName, 'HealthyHostCount');
    assert.equal(alarm.Statistic, 'Minimum');
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.ComparisonOperator, 'LessThanThreshold');
    assert.equal(alarm.EvaluationPeriods * alarm.Period, 300);
    const targetGroup = alarm.Dimensions.find((d: { Name: string }) => d.Name === 'TargetGroup');
    const openWire = Object.entries(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).find(
      ([, g]) => g.Properties.Port === BROKER_PORTS.OpenWire,
    );
    assert.deepEqual(targetGroup.Value, { 'Fn::GetAtt': [openWire![0], 'TargetGroupFullName'] });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test("tells the alarm topic when the month's Amazon MQ and load balancer charges pass the budget", () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: DEFAULT_MONTHLY_BUDGET_USD.single, Unit: 'USD' },
        CostFilters: { Service: ['Amazon MQ', 'Amazon Elastic Load Balancing'] },
      },
      NotificationsWithSubscribers: Match.arrayWith([
        {
          Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 100 }),
          Subscribers: [{ SubscriptionType: 'SNS', Address: { Ref: Match.stringLikeRegexp('^AlarmTopic') } }],
        },
      ]),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    const custom = synth({}, { monthlyBudgetUsd: '30', alarmEmail: 'ops@example.com' }).template;
    custom.hasResourceProperties('AWS::Budgets::Budget', { Budget: Match.objectLike({ BudgetLimit: { Amount: 30, Unit: 'USD' } }) });
    custom.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    assert.throws(() => synth({}, { monthlyBudgetUsd: '-5' }), /positive number/);
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheBasicMqStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email', { settings: resolveSettings({}) });
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});

describe('TheBasicMqStack with a real zone and an active/standby pair', () => {
  let template: Template;

  before(() => {
    ({ template } = synth({ zoneName: 'example.org', hostedZoneId: 'Z123ABC', deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }));
  });

  test('spreads the pair over two subnets and targets both broker IPs', () => {
    template.hasResourceProperties('AWS::AmazonMQ::Broker', {
      DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
      HostInstanceType: 'mq.m5.large',
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcIsolatedSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcIsolatedSubnet2') }],
    });
    for (const group of Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))) {
      const ids = (group.Properties.Targets as { Id: { 'Fn::Select': [number, unknown] } }[]).map((t) => t.Id['Fn::Select'][0]);
      assert.deepEqual(ids, [0, 1]);
      // Only the active broker listens, so TCP checks every ten seconds find it within about twenty.
      assert.deepEqual(
        [group.Properties.HealthCheckProtocol, group.Properties.HealthCheckIntervalSeconds, group.Properties.HealthyThresholdCount, group.Properties.UnhealthyThresholdCount],
        ['TCP', 10, 2, 2],
      );
    }
  });

  test('names the record in the real zone and drops the placeholder guard', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'mq.example.org.', HostedZoneId: 'Z123ABC' });
    assert.equal(template.toJSON().Rules?.RequireRealDomain, undefined);
    assert.equal(template.toJSON().Parameters?.ZoneName, undefined);
  });

  test('budgets for two broker instances', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetLimit: { Amount: DEFAULT_MONTHLY_BUDGET_USD.pair, Unit: 'USD' } }),
    });
  });
});
