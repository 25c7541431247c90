import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheRdsProxyStack } from '../lib/the-rds-proxy-stack';

type Statement = { Action: string | string[]; Resource: unknown };

describe('TheRdsProxyStack', () => {
  let stack: TheRdsProxyStack;
  let template: Template;

  before(() => {
    stack = new TheRdsProxyStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  /** Logical id of the security group whose description starts with the given text. */
  function groupId(prefix: string): string {
    const groups = template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp(`^${prefix}`) },
    });
    const ids = Object.keys(groups);
    assert.equal(ids.length, 1, `one security group described as ${prefix}`);
    return ids[0]!;
  }

  function rules(type: 'AWS::EC2::SecurityGroupIngress' | 'AWS::EC2::SecurityGroupEgress', groupLogicalId: string) {
    return Object.values(template.findResources(type))
      .map((r) => r.Properties)
      .filter((p) => p.GroupId['Fn::GetAtt'][0] === groupLogicalId);
  }

  function statementsOf(rolePrefix: string): Statement[] {
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  }

  test('builds a VPC with isolated subnets only: no internet or NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.secretsmanager']] },
      PrivateDnsEnabled: true,
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: { Ref: Match.stringLikeRegexp('^DatabaseSecret') },
          }),
        ],
      },
    });
  });

  test('runs a small, private, encrypted MySQL 8.4 instance with a generated secret', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      EngineVersion: Match.stringLikeRegexp('^8\\.4\\.'),
      DBInstanceClass: 'db.t4g.micro',
      PubliclyAccessible: false,
      StorageEncrypted: true,
      MasterUsername: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"admin"}', GenerateStringKey: 'password' }),
    });
  });

  test('pins the exact MySQL minor with automatic minor upgrades off, so a redeploy never asks RDS to go back', () => {
    // With auto upgrades on, RDS would move the instance past the template's version and the
    // next deploy would request a downgrade, which RDS refuses.
    const [instance] = Object.values(template.findResources('AWS::RDS::DBInstance'));
    assert.match(instance!.Properties.EngineVersion, /^8\.4\.\d+$/);
    assert.equal(instance!.Properties.AutoMinorVersionUpgrade, false);
  });

  test('puts RDS Proxy in front with IAM authentication and TLS required', () => {
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      EngineFamily: 'MYSQL',
      RequireTLS: true,
      DBProxyName: 'under-test-guestbook',
      Auth: [{ AuthScheme: 'SECRETS', IAMAuth: 'REQUIRED', SecretArn: { Ref: Match.stringLikeRegexp('^DatabaseSecret') } }],
    });
    template.hasResourceProperties('AWS::RDS::DBProxyTargetGroup', {
      DBInstanceIdentifiers: [{ Ref: Match.stringLikeRegexp('^Database') }],
      ConnectionPoolConfigurationInfo: { MaxConnectionsPercent: 75, MaxIdleConnectionsPercent: 25, ConnectionBorrowTimeout: 5 },
    });
  });

  test('opens exactly the hops function -> proxy -> MySQL, plus proxy -> Secrets Manager', () => {
    const fn = groupId('Guestbook function');
    const proxy = groupId('RDS Proxy');
    const db = groupId('MySQL instance');
    const endpoint = groupId('Secrets Manager endpoint');
    const source = (p: { SourceSecurityGroupId: { 'Fn::GetAtt': string[] } }) => p.SourceSecurityGroupId['Fn::GetAtt'][0];
    const destination = (p: { DestinationSecurityGroupId: { 'Fn::GetAtt': string[] } }) =>
      p.DestinationSecurityGroupId['Fn::GetAtt'][0];

    assert.deepEqual(rules('AWS::EC2::SecurityGroupIngress', fn), []);
    assert.deepEqual(rules('AWS::EC2::SecurityGroupIngress', proxy).map((p) => [source(p), p.FromPort]), [[fn, 3306]]);
    assert.deepEqual(rules('AWS::EC2::SecurityGroupIngress', db).map(source), [proxy]);
    assert.deepEqual(rules('AWS::EC2::SecurityGroupIngress', endpoint).map((p) => [source(p), p.FromPort]), [[proxy, 443]]);

    assert.deepEqual(rules('AWS::EC2::SecurityGroupEgress', fn).map((p) => [destination(p), p.FromPort]), [[proxy, 3306]]);
    assert.deepEqual(rules('AWS::EC2::SecurityGroupEgress', proxy).map(destination).sort(), [db, endpoint].sort());
    // No group allows all outbound traffic.
    for (const group of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) {
      assert.ok(
        !(group.Properties.SecurityGroupEgress ?? []).some((r: { CidrIp?: string }) => r.CidrIp === '0.0.0.0/0'),
        group.Properties.GroupDescription,
      );
    }
  });

  test('lets the function connect to this proxy as the admin user and never read the secret', () => {
    const statements = statementsOf('GuestbookRole');
    const connect = statements.filter((s) => [s.Action].flat().includes('rds-db:connect'));
    assert.equal(connect.length, 1);
    const arn = JSON.stringify(connect[0]!.Resource);
    assert.match(arn, /ProxyCB0DFB71|Proxy[A-Z0-9]{8}/);
    assert.match(arn, /\/admin"/);
    assert.ok(!statements.flatMap((s) => [s.Action].flat()).some((a) => a.startsWith('secretsmanager:')));
  });

  test('gives the proxy read access to the one secret only', () => {
    const actions = statementsOf('ProxyIAMRole').flatMap((s) => [s.Action].flat());
    assert.deepEqual(actions.sort(), ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });

  test('runs the function inside the VPC with its own security group and no managed policies', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [groupId('Guestbook function'), 'GroupId'] }], SubnetIds: Match.anyValue() },
      Environment: {
        Variables: { PROXY_ENDPOINT: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Proxy'), 'Endpoint'] }, DB_USER: 'admin', DB_NAME: 'guestbook' },
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('routes GET and POST /entries to the function through a throttled stage', () => {
    for (const routeKey of ['GET /entries', 'POST /entries']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  test('sends every alarm to the one alarm topic, which accepts only TLS', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    assert.deepEqual(alarms.map(([id]) => id.replace(/[A-F0-9]{8}$/, '')).sort(), ['ApiServerErrorsAlarm', 'GuestbookErrorsAlarm']);
    for (const [id, alarm] of alarms) {
      assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topics[0] }], id);
      assert.equal(alarm.Properties.Threshold, 1, id);
      assert.equal(alarm.Properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold', id);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway', MetricName: '5xx', Statistic: 'Sum', Period: 300,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 300,
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('subscribes an e-mail address to the alarm topic only when alarmEmail is set', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new TheRdsProxyStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test("tells the alarm topic when this month's RDS and VPC charges pass the budget", () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: 60, Unit: 'USD' },
        CostFilters: { Service: ['Amazon Relational Database Service', 'Amazon Virtual Private Cloud'] },
      },
      NotificationsWithSubscribers: Match.arrayWith([
        {
          Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 100 }),
          Subscribers: [{ SubscriptionType: 'SNS', Address: { Ref: Match.stringLikeRegexp('^AlarmTopic') } }],
        },
      ]),
    });
    // Budgets may publish to the topic, from this account only.
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
    const custom = Template.fromStack(new TheRdsProxyStack(appFromCdkJson({ monthlyBudgetUsd: '25' }), 'Custom-Budget'));
    custom.hasResourceProperties('AWS::Budgets::Budget', { Budget: Match.objectLike({ BudgetLimit: { Amount: 25, Unit: 'USD' } }) });
    assert.throws(() => new TheRdsProxyStack(appFromCdkJson({ monthlyBudgetUsd: 'lots' }), 'Bad-Budget'), /positive number/);
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheRdsProxyStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
    }
  });
});
