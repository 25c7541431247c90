import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { APP_UID, MOUNT_PATH, TheEfsLambdaStack } from '../lib/the-efs-lambda-stack';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };

describe('TheEfsLambdaStack', () => {
  let stack: TheEfsLambdaStack;
  let template: Template;

  before(() => {
    stack = new TheEfsLambdaStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  function logicalId(type: string, props: Record<string, unknown> = {}): string {
    const ids = Object.keys(template.findResources(type, { Properties: props }));
    assert.equal(ids.length, 1, `exactly one ${type}`);
    return ids[0]!;
  }

  test('uses isolated subnets only: no internet or NAT gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EFS::MountTarget', 2);
  });

  test('encrypts the file system at rest and refuses unencrypted connections', () => {
    const fs = template.findResources('AWS::EFS::FileSystem');
    const [props] = Object.values(fs).map((r) => r.Properties);
    assert.equal(props.Encrypted, true);
    assert.equal(props.ThroughputMode, 'bursting');
    const statements = props.FileSystemPolicy.Statement as Statement[];
    assert.ok(
      statements.some(
        (s) => s.Effect === 'Deny' && s.Action === '*' && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
      ),
    );
  });

  test('lets only the function role mount and write, and never grants root access', () => {
    const [props] = Object.values(template.findResources('AWS::EFS::FileSystem')).map((r) => r.Properties);
    const allows = (props.FileSystemPolicy.Statement as Statement[]).filter((s) => s.Effect === 'Allow');
    assert.equal(allows.length, 1);
    const role = logicalId('AWS::IAM::Role', { Description: Match.stringLikeRegexp('^Message wall') });
    assert.deepEqual(allows[0]!.Principal, { AWS: { 'Fn::GetAtt': [role, 'Arn'] } });
    assert.deepEqual(allows[0]!.Action, ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']);
    const everyAction = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .flatMap((s) => [s.Action].flat());
    assert.ok(!everyAction.includes('elasticfilesystem:ClientRootAccess'));
  });

  test('maps every caller to one POSIX user inside /messages', () => {
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      PosixUser: { Uid: APP_UID, Gid: APP_UID },
      RootDirectory: { Path: '/messages', CreationInfo: { OwnerUid: APP_UID, OwnerGid: APP_UID, Permissions: '750' } },
    });
  });

  test('mounts the access point at /mnt/msg and limits ClientMount to it', () => {
    const accessPoint = logicalId('AWS::EFS::AccessPoint');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      FileSystemConfigs: [{ LocalMountPath: MOUNT_PATH, Arn: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }],
      Environment: { Variables: { MESSAGE_DIR: MOUNT_PATH } },
    });
    const mount = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .find((s) => s.Action === 'elasticfilesystem:ClientMount');
    assert.match(JSON.stringify(mount?.Condition), new RegExp(`elasticfilesystem:AccessPointArn.*${accessPoint}`));
  });

  test('opens NFS from the function to the mount targets and nothing else', () => {
    const fnSg = logicalId('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^Message wall function') });
    const fsSg = logicalId('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('^EFS mount targets') });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties);
    assert.deepEqual(
      ingress.map((p) => [p.GroupId['Fn::GetAtt'][0], p.SourceSecurityGroupId['Fn::GetAtt'][0], p.FromPort, p.ToPort]),
      [[fsSg, fnSg, 2049, 2049]],
    );
    assert.deepEqual(
      egress.map((p) => [p.GroupId['Fn::GetAtt'][0], p.DestinationSecurityGroupId['Fn::GetAtt'][0], p.FromPort]),
      [[fnSg, fsSg, 2049]],
    );
  });

  test('uses no AWS managed policy on the function role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^Message wall'),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('routes GET, POST and DELETE /messages through a throttled stage', () => {
    for (const routeKey of ['GET /messages', 'POST /messages', 'DELETE /messages']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    }
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 50 },
    });
  });

  test('lets anyone read and post but only IAM-signed requests clear the wall', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const authOf = (key: string) => routes.find((r) => r.RouteKey === key)?.AuthorizationType ?? 'NONE';
    assert.equal(authOf('DELETE /messages'), 'AWS_IAM');
    assert.equal(authOf('GET /messages'), 'NONE');
    assert.equal(authOf('POST /messages'), 'NONE');
  });

  test('sends API 5xx answers and function errors to the one alarm topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    assert.deepEqual(alarms.map(([id]) => id.replace(/[A-F0-9]{8}$/, '')).sort(), ['ApiServerErrorsAlarm', 'MessageWallErrorsAlarm']);
    for (const [id, alarm] of alarms) {
      assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topics[0] }], id);
      assert.equal(alarm.Properties.Statistic, 'Sum', id);
      assert.equal(alarm.Properties.Period, 300, id);
      assert.equal(alarm.Properties.Threshold, 1, id);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/ApiGateway', MetricName: '5xx' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new TheEfsLambdaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheEfsLambdaStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});
