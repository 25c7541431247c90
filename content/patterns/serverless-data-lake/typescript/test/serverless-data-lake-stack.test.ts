import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EARLIEST_DATE } from '../lambda/layout';
import { ServerlessDataLakeStack } from '../lib/serverless-data-lake-stack';
import { appFromCdkJson } from './cdk-app';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown; Principal?: unknown };

describe('ServerlessDataLakeStack', () => {
  let app: App;
  let stack: ServerlessDataLakeStack;
  let template: Template;
  const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
  /** The logical id CDK derives from a construct path, e.g. Zones/RawBucket -> ZonesRawBucket1A2B3C4D. */
  const idOf = (type: string, path: string) => {
    const logicalId = new RegExp(`^${path.replace(/\//g, '')}[0-9A-F]{8}$`);
    const found = Object.keys(resources(type)).filter((id) => logicalId.test(id));
    assert.equal(found.length, 1, `one ${type} at ${path}`);
    return found[0]!;
  };

  before(() => {
    app = appFromCdkJson();
    stack = new ServerlessDataLakeStack(app, 'Under-Test');
    template = Template.fromStack(stack);
  });

  test('keeps every zone in its own private, encrypted, TLS-only bucket', () => {
    const buckets = resources('AWS::S3::Bucket');
    assert.equal(Object.keys(buckets).length, 4);
    for (const bucket of Object.values(buckets)) {
      assert.deepEqual(bucket.Properties.BucketEncryption, {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      assert.deepEqual(bucket.Properties.PublicAccessBlockConfiguration, {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    for (const [id, policy] of Object.entries(resources('AWS::S3::BucketPolicy'))) {
      const denies = (policy.Properties.PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Deny');
      assert.ok(
        denies.some((s) => JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } })),
        `${id} refuses plain HTTP`,
      );
      assert.ok(
        denies.some((s) => JSON.stringify(s.Condition) === JSON.stringify({ NumericLessThan: { 's3:TlsVersion': 1.2 } })),
        `${id} refuses TLS below 1.2`,
      );
    }
  });

  test('versions the raw zone only, and logs raw and curated access to the access-log bucket', () => {
    const raw = resources('AWS::S3::Bucket')[idOf('AWS::S3::Bucket', 'Zones/RawBucket')]!.Properties;
    const curated = resources('AWS::S3::Bucket')[idOf('AWS::S3::Bucket', 'Zones/CuratedBucket')]!.Properties;
    const logs = idOf('AWS::S3::Bucket', 'Zones/AccessLogs');
    assert.deepEqual(resources('AWS::S3::Bucket')[logs]!.Properties.LifecycleConfiguration.Rules, [
      { Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 90 },
    ]);
    assert.deepEqual(raw.VersioningConfiguration, { Status: 'Enabled' });
    assert.equal(curated.VersioningConfiguration, undefined);
    assert.deepEqual(raw.LoggingConfiguration, { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'raw/' });
    assert.deepEqual(curated.LoggingConfiguration, { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'curated/' });
    assert.deepEqual(raw.LifecycleConfiguration.Rules, [
      { Id: 'raw-to-infrequent-access', Status: 'Enabled', Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }] },
      {
        Id: 'expire-old-versions',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        ExpiredObjectDeleteMarker: true,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    assert.deepEqual(curated.LifecycleConfiguration.Rules, [
      { Id: 'expire-quarantine', Prefix: 'quarantine/', Status: 'Enabled', ExpirationInDays: 90 },
      { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
  });

  test('invokes the transform for every object created under incoming/ in the raw bucket', () => {
    const transform = idOf('AWS::Lambda::Function', 'Transform');
    const raw = idOf('AWS::S3::Bucket', 'Zones/RawBucket');
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: raw },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [transform, 'Arn'] },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [transform, 'Arn'] },
      Principal: 's3.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { 'Fn::GetAtt': [raw, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: { CURATED_BUCKET_NAME: { Ref: idOf('AWS::S3::Bucket', 'Zones/CuratedBucket') } } },
    });
  });

  test('lets the transform read raw uploads and write curated and quarantined objects, nothing else', () => {
    const role = idOf('AWS::IAM::Role', 'TransformRole');
    const statements = Object.values(resources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    const raw = idOf('AWS::S3::Bucket', 'Zones/RawBucket');
    const curated = idOf('AWS::S3::Bucket', 'Zones/CuratedBucket');
    const objects = (bucket: string, prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${prefix}*`]] });
    assert.deepEqual(
      s3.map((s) => [s.Action, s.Resource]),
      [
        [['s3:GetObject', 's3:GetObjectVersion'], objects(raw, 'incoming/')],
        ['s3:PutObject', [objects(curated, 'orders/'), objects(curated, 'quarantine/')]],
      ],
    );
    const others = statements.flatMap((s) => [s.Action].flat()).filter((a) => !a.startsWith('s3:')).sort();
    assert.deepEqual(others, ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
      Description: Match.stringLikeRegexp('^Lake transform'),
    });
  });

  test('declares the curated table with its JSON schema and date partition projection, no crawler', () => {
    template.resourceCountIs('AWS::Glue::Crawler', 0);
    const database = idOf('AWS::Glue::Database', 'Catalog/LakeDatabase');
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'under_test_lake' } });
    const curated = idOf('AWS::S3::Bucket', 'Zones/CuratedBucket');
    const location = (suffix: string) => ({ 'Fn::Join': ['', ['s3://', { Ref: curated }, suffix]] });
    const table = Object.values(resources('AWS::Glue::Table'))[0]!.Properties;
    assert.deepEqual(table.DatabaseName, { Ref: database });
    const input = table.TableInput;
    assert.equal(input.Name, 'orders');
    assert.deepEqual(input.PartitionKeys, [{ Name: 'dt', Type: 'string', Comment: 'UTC date of placed_at, yyyy-MM-dd' }]);
    assert.deepEqual(input.Parameters, {
      classification: 'json',
      compressionType: 'gzip',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2020-01-01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': location('/orders/dt=${dt}/'),
    });
    // The transform refuses records before the first projected day, so none is written where no query looks.
    assert.equal(input.Parameters['projection.dt.range'].split(',')[0], EARLIEST_DATE);
    const sd = input.StorageDescriptor;
    assert.deepEqual(sd.Location, location('/orders/'));
    assert.equal(sd.SerdeInfo.SerializationLibrary, 'org.apache.hive.hcatalog.data.JsonSerDe');
    assert.deepEqual(
      sd.Columns.map((c: { Name: string; Type: string }) => `${c.Name} ${c.Type}`),
      ['order_id string', 'customer_id string', 'placed_at timestamp', 'total double', 'currency string', 'source_key string', 'source_line int'],
    );
  });

  test('enforces the workgroup settings: encrypted results in the results bucket and a per-query scan cutoff', () => {
    const results = idOf('AWS::S3::Bucket', 'Analytics/QueryResults');
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'Under-Test-lake',
      State: 'ENABLED',
      RecursiveDeleteOption: true,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 10737418240,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: results }, '/athena/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
        },
      },
    });
  });

  test('expires query results after seven days', () => {
    const results = resources('AWS::S3::Bucket')[idOf('AWS::S3::Bucket', 'Analytics/QueryResults')]!.Properties;
    assert.deepEqual(results.LifecycleConfiguration.Rules, [
      { Id: 'expire-query-results', Status: 'Enabled', ExpirationInDays: 7, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
  });

  test('retries a failed transform twice, then parks its event in FailedTransforms', () => {
    const queue = idOf('AWS::SQS::Queue', 'FailedTransforms');
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf('AWS::Lambda::Function', 'Transform') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  test('alarms on transform errors and on a parked event, notifying one alarm topic', () => {
    const topics = Object.keys(resources('AWS::SNS::Topic'));
    assert.equal(topics.length, 1);
    const transform = idOf('AWS::Lambda::Function', 'Transform');
    const queue = idOf('AWS::SQS::Queue', 'FailedTransforms');
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    assert.deepEqual(
      alarms.map((a) => [a.Namespace, a.MetricName, a.Statistic, a.Period, a.Threshold, a.ComparisonOperator, a.Dimensions[0].Value]),
      [
        ['AWS/Lambda', 'Errors', 'Sum', 300, 1, 'GreaterThanOrEqualToThreshold', { Ref: transform }],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 60, 1, 'GreaterThanOrEqualToThreshold', { 'Fn::GetAtt': [queue, 'QueueName'] }],
      ],
    );
    for (const alarm of alarms) assert.deepEqual(alarm.AlarmActions, [{ Ref: topics[0] }]);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = Template.fromStack(new ServerlessDataLakeStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'With-Email'));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('keeps log groups for a month and removes demo data with the stack', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 4);
  });

  test('outputs the name of every resource the try-it steps use', () => {
    assert.deepEqual(Object.keys(template.toJSON().Outputs).sort(), [
      'AlarmTopicArn',
      'CuratedBucketName',
      'DatabaseName',
      'FailedTransformsQueueUrl',
      'QueryResultsBucketName',
      'RawBucketName',
      'TableName',
      'WorkGroupName',
    ]);
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new ServerlessDataLakeStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email');
    for (const scope of [stack, withEmail]) {
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
        const report = pack.validateScope(scope);
        assert.deepEqual(
          report.violations.map((v) => `${v.ruleName}: ${v.description}`),
          [],
          `${pack.name} has unacknowledged findings`,
        );
      }
    }
  });
});
