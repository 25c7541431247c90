import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ALEXA_PRINCIPAL, CREATION_STATEMENT_ID, TheAlexaSkillStack } from '../lib/the-alexa-skill-stack';
import { appFromCdkJson } from './cdk-app';

describe('TheAlexaSkillStack', () => {
  let stack: TheAlexaSkillStack;
  let template: Template;
  const idOf = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `one ${type} starting with ${prefix}`);
    return ids[0];
  };
  const statementsOf = (rolePrefix: string) =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  const sdkCall = (prefix: string, phase: 'Create' | 'Delete') => {
    const resource = template.findResources('Custom::AWS')[idOf('Custom::AWS', prefix)];
    const parts = resource.Properties[phase]['Fn::Join'][1] as any[];
    return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `<${p['Fn::GetAtt'][0]}>`)).join(''));
  };

  before(() => {
    stack = new TheAlexaSkillStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('creates the skill from the packaged manifest with the handler as its endpoint', () => {
    template.resourceCountIs('Alexa::ASK::Skill', 1);
    template.hasResourceProperties('Alexa::ASK::Skill', {
      VendorId: { Ref: 'VendorId' },
      SkillPackage: {
        S3Bucket: Match.anyValue(),
        S3Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$'),
        S3BucketRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SkillPackageReader'), 'Arn'] },
        Overrides: { Manifest: { apis: { custom: { endpoint: { uri: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'SkillHandler'), 'Arn'] } } } } } },
      },
    });
  });

  test('reads the Login with Amazon credentials from Secrets Manager at deploy time, never from the template', () => {
    const [skill] = Object.values(template.findResources('Alexa::ASK::Skill'));
    assert.deepEqual(skill.Properties.AuthenticationConfiguration, {
      ClientId: '{{resolve:secretsmanager:the-alexa-skill/lwa:SecretString:clientId::}}',
      ClientSecret: '{{resolve:secretsmanager:the-alexa-skill/lwa:SecretString:clientSecret::}}',
      RefreshToken: '{{resolve:secretsmanager:the-alexa-skill/lwa:SecretString:refreshToken::}}',
    });
    const custom = Template.fromStack(new TheAlexaSkillStack(appFromCdkJson({ lwaSecretName: 'team/alexa' }), 'Custom'));
    custom.hasResourceProperties('Alexa::ASK::Skill', {
      AuthenticationConfiguration: Match.objectLike({ RefreshToken: '{{resolve:secretsmanager:team/alexa:SecretString:refreshToken::}}' }),
    });
  });

  test('requires the vendor id as a deploy-time parameter', () => {
    template.hasParameter('VendorId', { Type: 'String', AllowedPattern: '^[A-Z0-9]+$', Default: Match.absent() });
  });

  test('leaves exactly one lasting Alexa permission, scoped to this skill id', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: ALEXA_PRINCIPAL,
      EventSourceToken: { Ref: 'Skill' },
      FunctionName: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'SkillHandler'), 'Arn'] },
    });
  });

  test('opens the handler to Alexa only around skill creation, then removes that statement', () => {
    const open = sdkCall('OpenForSkillCreation', 'Create');
    assert.equal(open.action, 'addPermission');
    assert.deepEqual(open.parameters, {
      FunctionName: `<${idOf('AWS::Lambda::Function', 'SkillHandler')}>`,
      StatementId: CREATION_STATEMENT_ID,
      Action: 'lambda:InvokeFunction',
      Principal: ALEXA_PRINCIPAL,
    });
    assert.equal(open.parameters.EventSourceToken, undefined);
    for (const [prefix, phase] of [['CloseAfterSkillCreation', 'Create'], ['OpenForSkillCreation', 'Delete']] as const) {
      const close = sdkCall(prefix, phase);
      assert.equal(close.action, 'removePermission');
      assert.equal(close.parameters.StatementId, CREATION_STATEMENT_ID);
      assert.equal(close.ignoreErrorCodesMatching, 'ResourceNotFoundException');
    }
  });

  test('orders the swap: open, then skill, then the scoped permission, then close', () => {
    const resources = template.toJSON().Resources;
    const openId = idOf('Custom::AWS', 'OpenForSkillCreation');
    const permissionId = idOf('AWS::Lambda::Permission', 'SkillHandlerAlexaSkillInvoke');
    assert.ok(resources.Skill.DependsOn.includes(openId), 'the skill waits for the temporary statement');
    const closeDependsOn = resources[idOf('Custom::AWS', 'CloseAfterSkillCreation')].DependsOn;
    assert.ok(closeDependsOn.includes('Skill') && closeDependsOn.includes(permissionId), 'closing waits for the skill and its permission');
  });

  test('lets the custom resource touch only the handler permissions', () => {
    const actions = statementsOf('PermissionSwapRole').flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['lambda:AddPermission', 'lambda:RemovePermission', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    const lambdaStatement = statementsOf('PermissionSwapRole').find((s) => [s.Action].flat().includes('lambda:AddPermission'));
    assert.deepEqual(lambdaStatement.Resource, { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'SkillHandler'), 'Arn'] });
  });

  test('lets Alexa read the one skill package object and nothing else', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: ALEXA_PRINCIPAL } })] },
    });
    const statements = statementsOf('SkillPackageReader');
    assert.equal(statements.length, 1);
    assert.equal(statements[0].Action, 's3:GetObject');
    assert.match(statements[0].Resource['Fn::Join'][1].at(-1), /^\/[0-9a-f]{64}\.zip$/);
  });

  test('lets the handler only get and update items in its table, plus logs and traces', () => {
    const statements = statementsOf('SkillHandlerRole');
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: { TALLIES_TABLE_NAME: { Ref: idOf('AWS::DynamoDB::GlobalTable', 'Tallies') } } },
    });
    const withManagedPolicies = template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } });
    assert.deepEqual(Object.keys(withManagedPolicies), []);
  });

  test('keys tallies by user and day, with expiry through TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'userId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('alarms on the one alarm topic when the handler crashes or times out', () => {
    const topic = idOf('AWS::SNS::Topic', 'AlarmTopic');
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 1);
    const [{ Properties: alarm }] = alarms;
    assert.deepEqual(alarm.AlarmActions, [{ Ref: topic }]);
    assert.equal(alarm.Namespace, 'AWS/Lambda');
    assert.equal(alarm.MetricName, 'Errors');
    assert.deepEqual(alarm.Dimensions, [{ Name: 'FunctionName', Value: { Ref: idOf('AWS::Lambda::Function', 'SkillHandler') } }]);
    assert.deepEqual([alarm.Statistic, alarm.Period, alarm.Threshold, alarm.ComparisonOperator], [
      'Sum',
      300,
      1,
      'GreaterThanOrEqualToThreshold',
    ]);
  });

  test('subscribes an e-mail address to the alarm topic only when alarmEmail is given', () => {
    const mailed = Template.fromStack(new TheAlexaSkillStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    mailed.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheAlexaSkillStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});
