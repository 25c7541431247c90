import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CUSTOMER_TABLE_ACTIONS, TheSimpleGraphqlServiceStack } from '../lib/the-simple-graphql-service-stack';
import { appFromCdkJson } from './cdk-app';

describe('TheSimpleGraphqlServiceStack', () => {
  let stack: TheSimpleGraphqlServiceStack;
  let template: Template;

  before(() => {
    stack = new TheSimpleGraphqlServiceStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  /** Every IAM statement in the template, from inline role policies and policy resources alike. */
  function statements(): { Action: string | string[]; Resource: unknown }[] {
    const fromPolicies = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const fromRoles = Object.values(template.findResources('AWS::IAM::Role')).flatMap((r) =>
      (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement),
    );
    return [...fromPolicies, ...fromRoles];
  }

  test('protects the API with an expiring API key, tracing, error logging and a depth limit', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'API_KEY',
      XrayEnabled: true,
      QueryDepthLimit: 5,
      LogConfig: {
        FieldLogLevel: 'ERROR',
        ExcludeVerboseContent: false,
        CloudWatchLogsRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiLogsRole'), 'Arn'] },
      },
    });
    // The key's expiry is chosen at deploy time, so the template holds no date and a deploy renews the key.
    const keys = Object.values(template.findResources('AWS::AppSync::ApiKey'));
    assert.equal(keys.length, 1);
    assert.deepEqual(keys[0].Properties.Expires, { Ref: 'ApiKeyExpires' });
    template.hasParameter('ApiKeyExpires', { Type: 'Number', Default: Match.absent() });
    assert.doesNotMatch(JSON.stringify(template.toJSON()), /"Expires":\d/);
  });

  test('deploys a schema that types e-mails as AWSEmail and requires every input field', () => {
    const [api] = Object.values(template.findResources('AWS::AppSync::GraphQLSchema'));
    const deployed: string = api.Properties.Definition;
    assert.equal(deployed, readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));
    const input = /input AddCustomerInput \{([^}]*)\}/.exec(deployed)?.[1];
    assert.deepEqual(input?.trim().split(/\s*\n\s*/), ['name: String!', 'email: AWSEmail!']);
    assert.match(deployed, /recordPurchase\(id: ID!, amount: Float!\)/);
  });

  test('keeps API logs in the log group AppSync writes to, for one month', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': [Match.stringLikeRegexp('^Api'), 'ApiId'] }]] },
      RetentionInDays: 30,
    });
    // No LogRetention helper function: the only function is the loyalty calculator.
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('resolves queries and mutations on the table with APPSYNC_JS resolvers', () => {
    template.hasResourceProperties('AWS::AppSync::DataSource', {
      Name: 'CustomersSource',
      Type: 'AMAZON_DYNAMODB',
      DynamoDBConfig: Match.objectLike({ TableName: { Ref: Match.stringLikeRegexp('^Customers') } }),
    });
    const fields = ['Query.getCustomer', 'Query.listCustomers', 'Mutation.addCustomer', 'Mutation.recordPurchase', 'Mutation.removeCustomer'];
    for (const field of fields) {
      const [TypeName, FieldName] = field.split('.');
      template.hasResourceProperties('AWS::AppSync::Resolver', {
        TypeName,
        FieldName,
        DataSourceName: 'CustomersSource',
        Kind: 'UNIT',
        Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
        MaxBatchSize: Match.absent(),
      });
    }
  });

  test('resolves Customer.loyalty through the Lambda data source in batches of 25', () => {
    template.hasResourceProperties('AWS::AppSync::DataSource', {
      Name: 'LoyaltySource',
      Type: 'AWS_LAMBDA',
      LambdaConfig: { LambdaFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoyaltyCalculator'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::AppSync::Resolver', {
      TypeName: 'Customer',
      FieldName: 'loyalty',
      DataSourceName: 'LoyaltySource',
      MaxBatchSize: 25,
      Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
  });

  test('grants the table only the five item actions the resolvers use, on the table itself', () => {
    const dynamo = statements().filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    assert.equal(dynamo.length, 1);
    assert.deepEqual([dynamo[0].Action].flat().sort(), [...CUSTOMER_TABLE_ACTIONS].sort());
    assert.deepEqual(dynamo[0].Resource, { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::GlobalTable'), 'Arn'] });
  });

  test('lets AppSync invoke the unqualified loyalty function and nothing else', () => {
    const invoke = statements().filter((s) => [s.Action].flat().some((a) => a.startsWith('lambda:')));
    assert.equal(invoke.length, 1);
    assert.equal(invoke[0].Action, 'lambda:InvokeFunction');
    assert.deepEqual(invoke[0].Resource, { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function'), 'Arn'] });
  });

  test('uses no AWS managed policies', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
    }
  });

  test('alarms on the one alarm topic when a loyalty batch fails or AppSync answers 5XX', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    assert.match(topics[0], /^AlarmTopic/);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const alarms: any[] = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const byMetric = Object.fromEntries(alarms.map((a) => [`${a.Namespace} ${a.MetricName}`, a]));
    assert.deepEqual(Object.keys(byMetric).sort(), ['AWS/AppSync 5XXError', 'AWS/Lambda Errors']);
    const fn = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('LoyaltyCalculator'));
    assert.deepEqual(byMetric['AWS/Lambda Errors'].Dimensions, [{ Name: 'FunctionName', Value: { Ref: fn } }]);
    const api = Object.keys(template.findResources('AWS::AppSync::GraphQLApi'))[0];
    assert.deepEqual(byMetric['AWS/AppSync 5XXError'].Dimensions, [{ Name: 'GraphQLAPIId', Value: { 'Fn::GetAtt': [api, 'ApiId'] } }]);
    for (const alarm of alarms) {
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
      assert.deepEqual([alarm.Statistic, alarm.Period, alarm.Threshold, alarm.ComparisonOperator], ['Sum', 300, 1, 'GreaterThanOrEqualToThreshold']);
    }
  });

  test('subscribes an e-mail address to the alarm topic only when alarmEmail is given', () => {
    const mailed = Template.fromStack(new TheSimpleGraphqlServiceStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    mailed.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheSimpleGraphqlServiceStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
    }
  });

  function logicalId(type: string): string {
    const ids = Object.keys(template.findResources(type));
    assert.equal(ids.length, 1, `expected exactly one ${type}`);
    return ids[0];
  }
});
