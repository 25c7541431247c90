import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { canaryNameFor } from '../lib/journey-canary';
import { SyntheticCanaryMonitoringStack } from '../lib/synthetic-canary-monitoring-stack';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('SyntheticCanaryMonitoringStack', () => {
  let app: App;
  let stack: SyntheticCanaryMonitoringStack;
  let template: Template;
  const logicalId = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `one ${type} named ${prefix}*`);
    return ids[0];
  };

  before(() => {
    app = appFromCdkJson();
    stack = new SyntheticCanaryMonitoringStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('runs the journey script on syn-nodejs-puppeteer-13.0 every five minutes against the API, outside any VPC', () => {
    template.resourceCountIs('AWS::Synthetics::Canary', 1);
    template.hasResourceProperties('AWS::Synthetics::Canary', {
      Name: canaryNameFor(stack),
      RuntimeVersion: 'syn-nodejs-puppeteer-13.0',
      Schedule: { Expression: 'rate(5 minutes)', DurationInSeconds: '0' },
      Code: Match.objectLike({ Handler: 'api-journey.handler' }),
      RunConfig: {
        EnvironmentVariables: { API_URL: { 'Fn::GetAtt': [logicalId('AWS::ApiGatewayV2::Api', 'Api'), 'ApiEndpoint'] } },
        TimeoutInSeconds: 60,
        MemoryInMB: 1024,
      },
      StartCanaryAfterCreation: true,
      VpcConfig: Match.absent(),
    });
    assert.ok(canaryNameFor(stack).length <= 21, 'cwsyn-<name>-<uuid> must fit a 64-character function name');
  });

  test('keeps run artifacts in an encrypted, TLS-only bucket that deletes them after 30 days', () => {
    const bucket = logicalId('AWS::S3::Bucket', 'CanaryArtifacts');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireRunArtifacts', ExpirationInDays: 30, Status: 'Enabled', Prefix: Match.absent() })]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Synthetics::Canary', {
      ArtifactS3Location: { 'Fn::Join': ['', ['s3://', { Ref: bucket }]] },
      ArtifactConfig: { S3Encryption: { EncryptionMode: 'SSE_S3' } },
      SuccessRetentionPeriod: 7,
      FailureRetentionPeriod: 30,
      ProvisionedResourceCleanup: 'AUTOMATIC',
    });
  });

  test('alarms when the journey fails in 2 of 3 five-minute periods, and tells the topic when the canary stops reporting', () => {
    const topic = logicalId('AWS::SNS::Topic', 'AlarmTopic');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Dimensions: [{ Name: 'CanaryName', Value: { Ref: logicalId('AWS::Synthetics::Canary', 'JourneyCanary') } }],
      Statistic: 'Average',
      Period: 300,
      Threshold: 100,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      // Missing periods are not failures (no page before the first runs), but a canary gone quiet still reaches the topic.
      TreatMissingData: 'missing',
      AlarmActions: [{ Ref: topic }],
      InsufficientDataActions: [{ Ref: topic }],
    });
  });

  test('alarms on the canary, on any 5xx answer and on function errors, notifying one alarm topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort(),
      [
        ['AWS/ApiGateway', '5xx', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['CloudWatchSynthetics', 'SuccessPercent', 'Average', 300, 100, 'LessThanThreshold'],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new SyntheticCanaryMonitoringStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('lets the canary write only its artifacts, its metrics and its own log group', () => {
    const roleId = logicalId('AWS::IAM::Role', 'JourneyCanaryRole');
    const role = template.findResources('AWS::IAM::Role')[roleId].Properties;
    const canary = Object.values(template.findResources('AWS::Synthetics::Canary'))[0].Properties;
    assert.deepEqual(canary.ExecutionRoleArn, { 'Fn::GetAtt': [roleId, 'Arn'] });
    assert.equal(role.ManagedPolicyArns, undefined);
    // No separate policy is attached later: the permissions exist before the canary's first run.
    const attached = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
    assert.deepEqual(attached, []);
    const bucket = logicalId('AWS::S3::Bucket', 'CanaryArtifacts');
    const statements = (role.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    assert.deepEqual(
      statements.map((s) => [s.Action, s.Resource, s.Condition]),
      [
        ['s3:PutObject', { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] }, undefined],
        ['s3:GetBucketLocation', { 'Fn::GetAtt': [bucket, 'Arn'] }, undefined],
        ['s3:ListAllMyBuckets', '*', undefined],
        ['cloudwatch:PutMetricData', '*', { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } }],
        [
          ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:/aws/lambda/cwsyn-${canaryNameFor(stack)}-*`],
            ],
          },
          undefined,
        ],
      ],
    );
  });

  test('lets the function only put, get and delete items in the Items table', () => {
    const table = logicalId('AWS::DynamoDB::GlobalTable', 'Items');
    const dynamo = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    assert.deepEqual(
      dynamo.map((s) => [[s.Action].flat().sort(), s.Resource]),
      [[['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'], { 'Fn::GetAtt': [table, 'Arn'] }]],
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
      Description: Match.stringLikeRegexp('^Items function'),
    });
  });

  test('expires canary items through DynamoDB TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  test('routes only POST /items and GET and DELETE /items/{id} to the function', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);
    assert.deepEqual(routes.sort(), ['DELETE /items/{id}', 'GET /items/{id}', 'POST /items']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: { ITEMS_TABLE_NAME: { Ref: logicalId('AWS::DynamoDB::GlobalTable', 'Items') } } },
    });
  });

  test('throttles and logs the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 100 },
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('userAgent') }),
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new SyntheticCanaryMonitoringStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        assert.deepEqual(report.violations.map((v) => `${v.ruleName}: ${v.description}`), [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});
