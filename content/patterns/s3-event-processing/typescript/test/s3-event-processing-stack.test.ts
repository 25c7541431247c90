import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { MAP_SETTINGS } from '../lib/large-file-workflow';
import { S3EventProcessingStack, SMALL_FILE_LIMIT_BYTES } from '../lib/s3-event-processing-stack';
import { appFromCdkJson } from './cdk-app';
import { matches } from './event-pattern';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('S3EventProcessingStack', () => {
  let stack: S3EventProcessingStack;
  let template: Template;
  let resources: Record<string, Resource>;

  const idOf = (type: string, prefix: string) => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    assert.equal(ids.length, 1, `one ${type} named ${prefix}*`);
    return ids[0];
  };
  /** Every statement of every policy attached to the role of the given construct. */
  const statementsOf = (rolePrefix: string): Statement[] => {
    const role = idOf('AWS::IAM::Role', rolePrefix);
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  };
  const actionsOn = (statements: Statement[], service: string) =>
    statements.filter((s) => [s.Action].flat().some((a) => a.startsWith(`${service}:`)));
  const definition = () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, "'"))).join(''));
  };

  before(() => {
    stack = new S3EventProcessingStack(appFromCdkJson(), 'Under-Test');
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  test('routes each CSV upload by its size to exactly one of the two rules', () => {
    const bucket = { Ref: idOf('AWS::S3::Bucket', 'Uploads') };
    const rules = Object.entries(template.findResources('AWS::Events::Rule'));
    const ruleFor = (size: number, key = 'incoming/sales.csv', bucketName: unknown = bucket) => {
      const event = { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: bucketName }, object: { key, size, sequencer: '01' } } };
      return rules.filter(([, r]) => matches(r.Properties.EventPattern, event)).map(([id]) => id.replace(/[A-F0-9]{8}$/, ''));
    };
    assert.deepEqual(ruleFor(0), ['SmallFileRule']);
    assert.deepEqual(ruleFor(SMALL_FILE_LIMIT_BYTES - 1), ['SmallFileRule']);
    assert.deepEqual(ruleFor(SMALL_FILE_LIMIT_BYTES), ['LargeFileRule']);
    assert.deepEqual(ruleFor(4 * 1024 ** 3), ['LargeFileRule']);
    assert.deepEqual(ruleFor(100, 'incoming/nested/day-1.csv'), ['SmallFileRule']);
    // Not an upload this app processes: wrong suffix, outside the prefix, its own Map Run results, another bucket.
    assert.deepEqual(ruleFor(100, 'incoming/photo.jpg'), []);
    assert.deepEqual(ruleFor(100, 'elsewhere/sales.csv'), []);
    assert.deepEqual(ruleFor(SMALL_FILE_LIMIT_BYTES, 'map-results/abc/manifest.json'), []);
    assert.deepEqual(ruleFor(100, 'incoming/sales.csv', 'another-bucket'), []);
    // CDK switches the bucket's EventBridge delivery on with its notifications custom resource.
    template.hasResourceProperties('Custom::S3BucketNotifications', { BucketName: bucket, NotificationConfiguration: { EventBridgeConfiguration: {} } });
  });

  test('retries delivery for two hours and parks undeliverable events in a queue per route', () => {
    const small = idOf('AWS::SQS::Queue', 'SmallFileFailures');
    const large = idOf('AWS::SQS::Queue', 'LargeFileFailures');
    const targets = Object.entries(template.findResources('AWS::Events::Rule')).map(([id, r]) => [id.replace(/[A-F0-9]{8}$/, ''), r.Properties.Targets]);
    for (const [id, [target]] of targets) {
      assert.deepEqual(target.RetryPolicy, { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 }, id);
    }
    const byRule = Object.fromEntries(targets.map(([id, [target]]) => [id, target]));
    assert.deepEqual(byRule.SmallFileRule.DeadLetterConfig, { Arn: { 'Fn::GetAtt': [small, 'Arn'] } });
    assert.deepEqual(byRule.SmallFileRule.Arn, { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'SmallFileProcessor'), 'Arn'] });
    assert.deepEqual(byRule.LargeFileRule.DeadLetterConfig, { Arn: { 'Fn::GetAtt': [large, 'Arn'] } });
    assert.deepEqual(byRule.LargeFileRule.Arn, { Ref: idOf('AWS::StepFunctions::StateMachine', 'LargeFileWorkflow') });
    // A small file the function fails on three times goes to the same queue, with its error.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [small, 'Arn'] } } },
    });
  });

  test('splits a large file with a bounded, batched Distributed Map that reads the object itself', () => {
    const map = definition().States['Process rows'];
    assert.equal(map.Type, 'Map');
    assert.deepEqual(map.ItemProcessor.ProcessorConfig, { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
    assert.deepEqual(map.ItemReader.ReaderConfig, { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' });
    assert.equal(map.ItemReader.Arguments.Key, '{% $states.input.key %}');
    assert.deepEqual(map.ItemBatcher, {
      MaxItemsPerBatch: 500,
      MaxInputBytesPerBatch: 131072,
      BatchInput: { uploadId: '{% $states.input.uploadId %}', objectKey: '{% $states.input.key %}' },
    });
    assert.equal(map.MaxConcurrency, 5);
    assert.equal(map.ToleratedFailurePercentage, 5);
    assert.equal(map.Label, MAP_SETTINGS.label);
    assert.equal(map.ResultWriter.Arguments.Prefix, 'map-results');
    assert.deepEqual(map.ResultWriter.WriterConfig, { OutputType: 'JSONL', Transformation: 'COMPACT' });
    // The results are an audit trail, not data to keep: they expire after 30 days.
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'map-results/', ExpirationInDays: 30, Status: 'Enabled' })]) },
    });
    const batch = map.ItemProcessor.States['Process batch'];
    assert.deepEqual(batch.Retry, [
      {
        ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'States.TaskFailed'],
        IntervalSeconds: 2,
        MaxAttempts: 3,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      },
    ]);
  });

  test('claims each upload once, so a redelivered event stops before the map', () => {
    const states = definition().States;
    assert.equal(definition().StartAt, 'Claim upload');
    const claim = states['Claim upload'];
    assert.equal(claim.Arguments.ConditionExpression, 'attribute_not_exists(uploadId)');
    assert.equal(
      claim.Arguments.Item.uploadId.S,
      "{% $states.input.detail.bucket.name & '/' & $states.input.detail.object.key & '@' & $states.input.detail.object.sequencer %}",
    );
    // The map reads the key S3 URL-encoded in the event, decoded (a space arrives as '+').
    const decodedKey = "$decodeUrlComponent($replace($states.input.detail.object.key, '+', ' '))";
    assert.ok(claim.Output.includes(`"key": ${decodedKey}`), claim.Output);
    assert.equal(claim.Arguments.Item.objectKey.S, `{% ${decodedKey} %}`);
    assert.deepEqual(claim.Catch, [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'Already processed' }]);
    assert.equal(states['Already processed'].Type, 'Succeed');
    assert.equal(claim.Next, 'Process rows');
    assert.equal(states['Process rows'].Next, 'Mark complete');
    assert.match(states['Mark complete'].Arguments.UpdateExpression, /SET #status = :complete/);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: false }),
    });
  });

  test('lets each role touch only its own prefix, tables and function', () => {
    const bucket = idOf('AWS::S3::Bucket', 'Uploads');
    const totals = { 'Fn::GetAtt': [idOf('AWS::DynamoDB::GlobalTable', 'UploadTotals'), 'Arn'] };
    const idempotency = { 'Fn::GetAtt': [idOf('AWS::DynamoDB::GlobalTable', 'IdempotencyRecords'), 'Arn'] };
    const under = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${prefix}*`]] });
    const idempotencyActions = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

    const small = statementsOf('SmallFileProcessorRole');
    assert.deepEqual(actionsOn(small, 's3').map((s) => [s.Action, s.Resource]), [['s3:GetObject', under('incoming/')]]);
    assert.deepEqual(actionsOn(small, 'dynamodb').map((s) => [s.Action, s.Resource]).sort(), [
      [idempotencyActions, idempotency],
      ['dynamodb:UpdateItem', totals],
    ].sort());

    const batch = statementsOf('BatchProcessorRole');
    assert.deepEqual(actionsOn(batch, 's3'), [], 'the batch processor never reads S3: the map hands it the rows');
    assert.deepEqual(actionsOn(batch, 'dynamodb').map((s) => [s.Action, s.Resource]).sort(), [
      [idempotencyActions, idempotency],
      ['dynamodb:UpdateItem', totals],
    ].sort());

    const workflow = statementsOf('LargeFileWorkflowRole');
    assert.deepEqual(actionsOn(workflow, 's3').map((s) => [s.Action, s.Resource]).sort(), [
      [['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], under('map-results/')],
      ['s3:GetObject', under('incoming/')],
    ].sort());
    // The DynamoDB tasks name the table by its ARN built from the table name.
    const totalsByName = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/', { Ref: totals['Fn::GetAtt'][0] }]] };
    assert.deepEqual(actionsOn(workflow, 'dynamodb').map((s) => [[s.Action].flat().sort(), s.Resource]), [[['dynamodb:PutItem', 'dynamodb:UpdateItem'], totalsByName]]);
    const fn = idOf('AWS::Lambda::Function', 'BatchProcessor');
    assert.deepEqual(actionsOn(workflow, 'lambda').map((s) => s.Resource), [
      [{ 'Fn::GetAtt': [fn, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fn, 'Arn'] }, ':*']] }],
    ]);
  });

  test('remembers processed uploads and batches in a table that expires them', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    const idempotency = idOf('AWS::DynamoDB::GlobalTable', 'IdempotencyRecords');
    for (const fn of ['SmallFileProcessor', 'BatchProcessor']) {
      const env = resources[idOf('AWS::Lambda::Function', fn)].Properties.Environment.Variables;
      assert.deepEqual(env.IDEMPOTENCY_TABLE_NAME, { Ref: idempotency }, fn);
    }
  });

  test('alarms on both failure queues, processor errors, failed or timed-out runs and failed batches', () => {
    const topic = idOf('AWS::SNS::Topic', 'AlarmTopic');
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, a]) => [id.replace(/[A-F0-9]{8}$/, ''), a.Properties] as const);
    assert.deepEqual(alarms.map(([id]) => id).sort(), [
      'BatchFailuresAlarm',
      'LargeFileFailuresAlarm',
      'LargeFileWorkflowFailedAlarm',
      'LargeFileWorkflowTimedOutAlarm',
      'SmallFileFailuresAlarm',
      'SmallFileProcessorErrorsAlarm',
    ]);
    for (const [id, a] of alarms) {
      assert.deepEqual(a.AlarmActions, [{ Ref: topic }], id);
      assert.equal(a.Threshold, 1, id);
      assert.equal(a.ComparisonOperator, 'GreaterThanOrEqualToThreshold', id);
    }
    const byId = Object.fromEntries(alarms);
    assert.deepEqual([byId.SmallFileFailuresAlarm.MetricName, byId.LargeFileFailuresAlarm.MetricName], ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesVisible']);
    assert.equal(byId.SmallFileProcessorErrorsAlarm.MetricName, 'Errors');
    assert.equal(byId.LargeFileWorkflowFailedAlarm.MetricName, 'ExecutionsFailed');
    assert.equal(byId.LargeFileWorkflowTimedOutAlarm.MetricName, 'ExecutionsTimedOut');
    const machine = idOf('AWS::StepFunctions::StateMachine', 'LargeFileWorkflow');
    assert.equal(byId.BatchFailuresAlarm.MetricName, 'ExecutionsFailed');
    assert.deepEqual(byId.BatchFailuresAlarm.Dimensions, [{ Name: 'StateMachineArn', Value: { 'Fn::Join': ['', [{ Ref: machine }, '/batches']] } }]);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', Match.objectLike({}));
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new S3EventProcessingStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('runs both processors on Node.js 24 on arm64 with tracing and their own log groups', () => {
    for (const fn of ['SmallFileProcessor', 'BatchProcessor']) {
      const props = resources[idOf('AWS::Lambda::Function', fn)].Properties;
      assert.equal(props.Runtime, 'nodejs24.x', fn);
      assert.deepEqual(props.Architectures, ['arm64'], fn);
      assert.deepEqual(props.TracingConfig, { Mode: 'Active' }, fn);
      assert.deepEqual(props.LoggingConfig.LogGroup, { Ref: idOf('AWS::Logs::LogGroup', `${fn}Logs`) }, fn);
    }
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new S3EventProcessingStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const open = pack.validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
        assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
      }
    }
  });
});
