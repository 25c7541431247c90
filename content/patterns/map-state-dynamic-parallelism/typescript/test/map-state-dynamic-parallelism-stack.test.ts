import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { MapStateDynamicParallelismStack } from '../lib/map-state-dynamic-parallelism-stack';
import { type Definition, definitionOf } from './asl';
import { appFromCdkJson } from './cdk-app';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

const TRANSIENT_RETRY = {
  ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
  IntervalSeconds: 2,
  MaxAttempts: 4,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

describe('MapStateDynamicParallelismStack', () => {
  let app: App;
  let stack: MapStateDynamicParallelismStack;
  let template: Template;
  let definition: Definition;
  let bucket: string;
  let worker: string;

  const statementsOf = (roleLogicalIdPrefix: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(roleLogicalIdPrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);

  before(() => {
    app = appFromCdkJson();
    stack = new MapStateDynamicParallelismStack(app, 'Under-Test');
    template = Template.fromStack(stack);
    definition = definitionOf(template);
    bucket = Object.keys(template.findResources('AWS::S3::Bucket'))[0]!;
    // CDK's auto-delete helper is a function too: pick the worker by its construct id.
    worker = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('OrderPricer'))!;
  });

  test('runs one Standard state machine with a one-hour timeout, tracing and error logs', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: false }),
    });
    assert.equal(definition.TimeoutSeconds, 3600);
  });

  test('runs the inline Map over $.items, ten orders at a time, one order per Lambda call', () => {
    const map = definition.States['Price inline orders']!;
    assert.equal(map.Type, 'Map');
    assert.equal(map.ItemsPath, '$.items');
    assert.deepEqual(map.ItemSelector, { 'index.$': '$$.Map.Item.Index', 'order.$': '$$.Map.Item.Value' });
    assert.equal(map.MaxConcurrency, 10);
    assert.deepEqual(map.ItemProcessor.ProcessorConfig, { Mode: 'INLINE' });
    const task = map.ItemProcessor.States[map.ItemProcessor.StartAt];
    assert.equal(map.ItemProcessor.StartAt, 'Price order');
    assert.equal(task.Resource, 'arn:<Ref:AWS::Partition>:states:::lambda:invoke');
    assert.deepEqual(task.Parameters, { FunctionName: `<${worker}.Arn>`, 'Payload.$': '$' });
    assert.equal(task.OutputPath, '$.Payload');
  });

  test('retries only transient Lambda errors and records any other failure of an order as a FAILED result', () => {
    const states = definition.States['Price inline orders']!.ItemProcessor.States;
    assert.deepEqual(states['Price order'].Retry, [TRANSIENT_RETRY]);
    assert.deepEqual(states['Price order'].Catch, [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Record failed order' }]);
    assert.deepEqual(states['Record failed order'].Parameters, { 'index.$': '$.index', status: 'FAILED', 'error.$': '$.failure.Error' });
    assert.equal(states['Record failed order'].End, true);
  });

  test('sorts inline results into priced, rejected and failed, and counts each', () => {
    const map = definition.States['Price inline orders']!;
    assert.deepEqual(map.ResultSelector, {
      'priced.$': "$[?(@.status == 'PRICED')]",
      'rejected.$': "$[?(@.status == 'REJECTED')]",
      'failed.$': "$[?(@.status == 'FAILED')]",
    });
    assert.equal(map.ResultPath, undefined, 'the orders themselves are not carried into the output');
    assert.equal(map.Next, 'Summarise inline job');
    assert.deepEqual(definition.States['Summarise inline job']!.Parameters, {
      mode: 'inline',
      'pricedCount.$': 'States.ArrayLength($.priced)',
      'rejectedCount.$': 'States.ArrayLength($.rejected)',
      'failedCount.$': 'States.ArrayLength($.failed)',
      'priced.$': '$.priced',
      'rejected.$': '$.rejected',
      'failed.$': '$.failed',
    });
  });

  test('reads the manifest itself with a Distributed Map of Express children, 100 orders each, 20 at a time', () => {
    const map = definition.States['Price manifest orders']!;
    assert.deepEqual(map.ItemReader, {
      Resource: 'arn:<Ref:AWS::Partition>:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { Bucket: `<Ref:${bucket}>`, 'Key.$': '$.manifest.key' },
    });
    assert.deepEqual(map.ItemSelector, { 'index.$': '$$.Map.Item.Index', 'order.$': '$$.Map.Item.Value' });
    assert.deepEqual(map.ItemBatcher, { MaxItemsPerBatch: 100, MaxInputBytesPerBatch: 131072, BatchInput: { 'manifestKey.$': '$.manifest.key' } });
    assert.deepEqual(map.ItemProcessor.ProcessorConfig, { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
    assert.equal(map.MaxConcurrency, 20);
    assert.equal(map.Label, 'PriceOrders');
    const task = map.ItemProcessor.States['Price batch'];
    assert.deepEqual(task.Parameters, { FunctionName: `<${worker}.Arn>`, 'Payload.$': '$' });
    assert.deepEqual(task.Retry, [TRANSIENT_RETRY]);
    assert.equal(task.Catch, undefined, 'a batch that still fails counts against the tolerance instead of being hidden');
  });

  test('fails a manifest job only when more than 5% of its orders sit in failed batches', () => {
    const map = definition.States['Price manifest orders']!;
    assert.equal(map.ToleratedFailurePercentage, 5);
    assert.equal(map.ToleratedFailureCount, undefined);
    assert.equal(map.Catch, undefined);
  });

  test('writes one JSON line per order under results/ and returns where the results are', () => {
    const map = definition.States['Price manifest orders']!;
    assert.deepEqual(map.ResultWriter, {
      Resource: 'arn:<Ref:AWS::Partition>:states:::s3:putObject',
      Parameters: { Bucket: `<Ref:${bucket}>`, Prefix: 'results' },
      WriterConfig: { OutputType: 'JSONL', Transformation: 'FLATTEN' },
    });
    assert.deepEqual(map.ResultSelector, { mode: 'manifest', 'mapRunArn.$': '$.MapRunArn', 'results.$': '$.ResultWriterDetails' });
  });

  test('lets the state machine read only manifests/, write only results/ and invoke only the worker', () => {
    const statements = statementsOf('PricingJobRole');
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    const under = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, prefix]] });
    assert.deepEqual(
      s3.map((s) => [[s.Action].flat().sort(), s.Resource]),
      [
        [['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], under('/results/*')],
        [['s3:GetObject'], under('/manifests/*')],
      ],
    );
    const invoke = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('lambda:')));
    assert.deepEqual(invoke, [
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [{ 'Fn::GetAtt': [worker, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [worker, 'Arn'] }, ':*']] }],
      },
    ]);
    // Child executions: only this state machine's own.
    const states = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('states:')));
    for (const s of states) assert.match(JSON.stringify(s.Resource), /PricingJob/);
  });

  test('gives the worker no AWS access beyond its own logs and traces', () => {
    const actions = statementsOf('OrderPricerRole').flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('runs the worker on Node.js 24 on arm64 with tracing and a 30-second timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 30,
      MemorySize: 256,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
  });

  test('keeps the bucket private and TLS-only and expires manifests and results after 30 days', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'manifests/', ExpirationInDays: 30, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'results/', ExpirationInDays: 30, Status: 'Enabled' }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('alarms on failed and timed-out jobs and on worker errors, notifying one alarm topic', () => {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator]).sort(),
      [
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/States', 'ExecutionsFailed', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
        ['AWS/States', 'ExecutionsTimedOut', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold'],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    const lambdaAlarm = alarms.find((a) => a.Namespace === 'AWS/Lambda')!;
    assert.deepEqual(lambdaAlarm.Dimensions, [{ Name: 'FunctionName', Value: { Ref: worker } }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new MapStateDynamicParallelismStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new MapStateDynamicParallelismStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});
