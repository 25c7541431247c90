import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { putItemTemplate, SAVED_TEMPLATE, SERVICE_PATTERN, STATUSES, STREAM, TheDynamoStreamerStack } from '../lib/the-dynamo-streamer-stack';

type Statement = { Action: string | string[]; Resource: unknown };

/**
 * Just enough Velocity to render the PutItem template for one request body: the
 * conditional around the message, the escaping helper and the context variables.
 */
function renderPutItem(body: Record<string, string>): unknown {
  let out = putItemTemplate('Statuses-table');
  const hasMessage = typeof body.message === 'string' && body.message !== '';
  out = out.replace(/^\s*#if\(.*\)\n([\s\S]*?)^\s*#end\n/m, (_m, inner: string) => (hasMessage ? inner : ''));
  out = out.replace(/\$util\.escapeJavaScript\(\$input\.path\('\$\.message'\)\)\.replaceAll\([^)]*\)/, () =>
    JSON.stringify(body.message ?? '').slice(1, -1),
  );
  out = out.replace(/\$input\.path\('\$\.(\w+)'\)/g, (_m, name: string) => body[name] ?? '');
  out = out.replace('$context.requestTimeEpoch', '1767225600000').replace('$context.requestId', 'req-1');
  return JSON.parse(out);
}

describe('PutItem mapping template', () => {
  test('renders a valid DynamoDB PutItem request that asks for the old item back', () => {
    assert.deepEqual(renderPutItem({ service: 'checkout', status: 'degraded', message: 'Card "payments" are slow' }), {
      TableName: 'Statuses-table',
      Item: {
        service: { S: 'checkout' },
        status: { S: 'degraded' },
        message: { S: 'Card "payments" are slow' },
        updatedAt: { N: '1767225600000' },
        requestId: { S: 'req-1' },
      },
      ReturnValues: 'ALL_OLD',
    });
  });

  test('leaves the message attribute out when none was sent', () => {
    const request = renderPutItem({ service: 'search', status: 'operational' }) as { Item: Record<string, unknown> };
    assert.deepEqual(Object.keys(request.Item).sort(), ['requestId', 'service', 'status', 'updatedAt']);
  });

  test('answers with the previous status taken from the returned attributes', () => {
    assert.match(SAVED_TEMPLATE, /\$input\.path\('\$\.Attributes\.status\.S'\)/);
    assert.match(SAVED_TEMPLATE, /"previousStatus": #if\("\$!previous" == ""\)null#else"\$previous"#end,/);
  });
});

describe('TheDynamoStreamerStack', () => {
  let stack: TheDynamoStreamerStack;
  let template: Template;

  const statementsOfRole = (rolePrefix: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

  before(() => {
    stack = new TheDynamoStreamerStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('keys the table by service and streams old and new images', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'service', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  test('sends POST /statuses straight to DynamoDB PutItem with the API role', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'statuses' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: Match.objectLike({
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        Uri: { 'Fn::Join': ['', Match.arrayWith([':dynamodb:action/PutItem'])] },
        Credentials: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusApiRole'), 'Arn'] },
        PassthroughBehavior: 'NEVER',
        RequestTemplates: {
          'application/json': { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^Statuses') }])] },
        },
        IntegrationResponses: Match.arrayWith([Match.objectLike({ StatusCode: '500', SelectionPattern: '[45]\\d{2}' })]),
      }),
    });
    const [method] = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const refused = method!.Properties.Integration.IntegrationResponses.find((r: { StatusCode: string }) => r.StatusCode === '500');
    // Nothing DynamoDB said (table names, expressions) is copied into the public answer.
    assert.doesNotMatch(refused.ResponseTemplates['application/json'], /\$input/);
    assert.equal(JSON.parse(refused.ResponseTemplates['application/json']).saved, false);
  });

  test('keeps Lambda out of the write path', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    assert.equal(methods.length, 1);
    assert.notEqual(methods[0]!.Properties.Integration.Type, 'AWS_PROXY');
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
  });

  test('validates the body against the status model before anything is written', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: Match.objectLike({
        required: ['service', 'status'],
        additionalProperties: false,
        properties: {
          service: { type: 'string', pattern: SERVICE_PATTERN },
          status: { type: 'string', enum: [...STATUSES] },
          message: { type: 'string', maxLength: 280 },
        },
      }),
    });
    // The template puts service and status into JSON unescaped; the model must rule out quotes and backslashes.
    const service = new RegExp(SERVICE_PATTERN);
    for (const bad of ['Checkout', 'a"b', 'a\\b', '-lead', 'x'.repeat(64), '']) assert.doesNotMatch(bad, service, bad);
    assert.match('checkout-eu-1', service);
    const validators = Object.keys(template.findResources('AWS::ApiGateway::RequestValidator', { Properties: { ValidateRequestBody: true } }));
    assert.equal(validators.length, 1);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      RequestValidatorId: { Ref: validators[0] },
      RequestModels: { 'application/json': { Ref: Match.stringLikeRegexp('^StatusApiStatusReport') } },
    });
  });

  test('lets the API role call PutItem on the one table and nothing else', () => {
    const tableId = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    assert.deepEqual(
      statementsOfRole('StatusApiRole').map((s) => ({ Action: s.Action, Resource: s.Resource })),
      [{ Action: 'dynamodb:PutItem', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } }],
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('gives the watcher stream-read rights only, never table data access', () => {
    const dynamo = statementsOfRole('StatusWatcherRole').filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    const actions = dynamo.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);
    for (const s of dynamo) assert.deepEqual((s.Resource as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][1], 'StreamArn');
  });

  test('consumes the stream in order with bisect, bounded retries and a failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Statuses'), 'StreamArn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^StatusWatcher') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: STREAM.batchSize,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: STREAM.retryAttempts,
      MaximumRecordAgeInSeconds: STREAM.maxRecordAgeHours * 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusWatcherFailures'), 'Arn'] } },
      },
    });
    assert.equal(STREAM.retryAttempts, 3);
    assert.equal(STREAM.batchSize, 100);
  });

  test('runs the watcher on Node.js 24 and arm64 with JSON logs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      TracingConfig: { Mode: 'Active' },
    });
  });

  test('throttles, traces and access-logs the prod stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
  });

  test('alarms on a failure pointer, on watcher errors and on a stream backlog, notifying one alarm topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const target = (a: Record<string, any>) => (a.Dimensions[0].Value.Ref ?? a.Dimensions[0].Value['Fn::GetAtt'][0]).replace(/[0-9A-F]{8}$/, '');
    assert.deepEqual(
      alarms.map((a) => [a.MetricName, target(a), a.Statistic, a.Period, a.Threshold, a.TreatMissingData]).sort(),
      [
        ['ApproximateNumberOfMessagesVisible', 'StatusWatcherFailures', 'Maximum', 60, 1, 'notBreaching'],
        ['Errors', 'StatusWatcher', 'Sum', 300, 1, 'notBreaching'],
        ['IteratorAge', 'StatusWatcher', 'Maximum', 60, 600000, 'notBreaching'],
      ],
    );
    for (const alarm of alarms) {
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    }
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new TheDynamoStreamerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheDynamoStreamerStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});
