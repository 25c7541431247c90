import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { Code, Function as LambdaFunction, RecursiveLoop, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, KinesisEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Bucket, CfnBucket, EventType } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription, SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Choice, Condition, DefinitionBody, StateMachine, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, Provider } from 'aws-cdk-lib/custom-resources';
import { checkTemplateFiles } from '../src/check-templates';
import { ServerlessAntiPatternChecks } from '../src/pack';
import { keysOverlap } from '../src/rules/recursive-lambda';
import { flaggedBy } from './flagged';

const RULE = 'AntiPattern-RecursiveLambda';

function fn(scope: Stack, id: string, extra: { recursiveLoop?: RecursiveLoop; logRetention?: RetentionDays } = {}): LambdaFunction {
  return new LambdaFunction(scope, id, {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({});'),
    ...extra,
  });
}

function newStack(): Stack {
  return new Stack(new App(), 'Fixture');
}

const flagged = (stack: Stack) => flaggedBy(RULE, stack);

describe('RecursiveLambda: loops it flags', () => {
  test('flags an SQS consumer that may send the next batch to its own queue', () => {
    const stack = newStack();
    const pages = new Queue(stack, 'Pages');
    const worker = fn(stack, 'Worker');
    worker.addEventSource(new SqsEventSource(pages));
    pages.grantSendMessages(worker);
    assert.deepEqual(flagged(stack), ['Fixture/Worker/Resource']);
  });

  test('flags a function whose role may invoke the function itself', () => {
    const stack = newStack();
    const paginator = fn(stack, 'Paginator');
    paginator.grantInvoke(paginator);
    assert.deepEqual(flagged(stack), ['Fixture/Paginator/Resource']);
  });

  test('flags a function that may invoke itself through an alias', () => {
    const stack = newStack();
    const paginator = fn(stack, 'Paginator');
    paginator.addAlias('live').grantInvoke(paginator);
    assert.deepEqual(flagged(stack), ['Fixture/Paginator/Resource']);
  });

  test('flags a function that may write objects anywhere in the bucket that notifies it', () => {
    const stack = newStack();
    const uploads = new Bucket(stack, 'Uploads');
    const thumbnailer = fn(stack, 'Thumbnailer');
    uploads.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(thumbnailer));
    uploads.grantReadWrite(thumbnailer);
    assert.deepEqual(flagged(stack), ['Fixture/Thumbnailer/Resource']);
  });

  test('flags a write prefix that falls inside the notification prefix', () => {
    const stack = newStack();
    const uploads = new Bucket(stack, 'Uploads');
    const thumbnailer = fn(stack, 'Thumbnailer');
    uploads.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(thumbnailer), { prefix: 'images/' });
    uploads.grantPut(thumbnailer, 'images/thumbnails/*');
    assert.deepEqual(flagged(stack), ['Fixture/Thumbnailer/Resource']);
  });

  test('flags a loop written with the native AWS::S3::Bucket notification property', () => {
    const stack = newStack();
    const worker = fn(stack, 'Worker');
    const bucket = new CfnBucket(stack, 'Raw', {
      notificationConfiguration: {
        lambdaConfigurations: [
          {
            event: 's3:ObjectCreated:*',
            function: worker.functionArn,
            filter: { s3Key: { rules: [{ name: 'suffix', value: '.json' }] } },
          },
        ],
      },
    });
    worker.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [`${bucket.attrArn}/*`] }));
    assert.deepEqual(flagged(stack), ['Fixture/Worker/Resource']);
  });

  test('flags a function fed through EventBridge by the bucket it writes to', () => {
    const stack = newStack();
    const uploads = new Bucket(stack, 'Uploads', { eventBridgeEnabled: true });
    const resizer = fn(stack, 'Resizer');
    new Rule(stack, 'OnUpload', {
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [uploads.bucketName] } } },
      targets: [new LambdaTarget(resizer)],
    });
    uploads.grantPut(resizer);
    assert.deepEqual(flagged(stack), ['Fixture/Resizer/Resource']);
  });

  test('flags an SNS subscriber that may publish to its own topic', () => {
    const stack = newStack();
    const events = new Topic(stack, 'Events');
    const enricher = fn(stack, 'Enricher');
    events.addSubscription(new LambdaSubscription(enricher));
    events.grantPublish(enricher);
    assert.deepEqual(flagged(stack), ['Fixture/Enricher/Resource']);
  });

  test('flags a loop through a topic that fans out to the queue feeding the function', () => {
    const stack = newStack();
    const events = new Topic(stack, 'Events');
    const inbox = new Queue(stack, 'Inbox');
    events.addSubscription(new SqsSubscription(inbox));
    const handler = fn(stack, 'Handler');
    handler.addEventSource(new SqsEventSource(inbox));
    events.grantPublish(handler);
    assert.deepEqual(flagged(stack), ['Fixture/Handler/Resource']);
  });

  test('flags every function of a loop through two functions and two queues', () => {
    const stack = newStack();
    const a = new Queue(stack, 'QueueA');
    const b = new Queue(stack, 'QueueB');
    const ping = fn(stack, 'Ping');
    const pong = fn(stack, 'Pong');
    ping.addEventSource(new SqsEventSource(a));
    pong.addEventSource(new SqsEventSource(b));
    b.grantSendMessages(ping);
    a.grantSendMessages(pong);
    assert.deepEqual(flagged(stack), ['Fixture/Ping/Resource', 'Fixture/Pong/Resource']);
  });

  test('flags a DynamoDB stream consumer that may write back to its own table, which loop detection never sees', () => {
    const stack = newStack();
    const orders = new TableV2(stack, 'Orders', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      dynamoStream: StreamViewType.NEW_IMAGE,
      billing: Billing.onDemand(),
    });
    const stamper = fn(stack, 'Stamper');
    stamper.addEventSource(new DynamoEventSource(orders, { startingPosition: StartingPosition.LATEST }));
    orders.grantWriteData(stamper);
    assert.deepEqual(flagged(stack), ['Fixture/Stamper/Resource']);
  });

  test('flags a Kinesis consumer that may put records on its own stream', () => {
    const stack = newStack();
    const readings = new Stream(stack, 'Readings');
    const cleaner = fn(stack, 'Cleaner');
    cleaner.addEventSource(new KinesisEventSource(readings, { startingPosition: StartingPosition.LATEST }));
    readings.grantWrite(cleaner);
    assert.deepEqual(flagged(stack), ['Fixture/Cleaner/Resource']);
  });

  test('flags a function whose dead-letter queue is the queue that feeds it', () => {
    const stack = newStack();
    const jobs = new Queue(stack, 'Jobs');
    const worker = new LambdaFunction(stack, 'Worker', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({});'),
      deadLetterQueue: jobs,
    });
    worker.addEventSource(new SqsEventSource(jobs));
    assert.deepEqual(flagged(stack), ['Fixture/Worker/Resource']);
  });

  test('flags a role allowed to send to every queue when one of them feeds the function', () => {
    const stack = newStack();
    const jobs = new Queue(stack, 'Jobs');
    const worker = fn(stack, 'Worker');
    worker.addEventSource(new SqsEventSource(jobs));
    worker.addToRolePolicy(new PolicyStatement({ actions: ['sqs:*'], resources: ['*'] }));
    assert.deepEqual(flagged(stack), ['Fixture/Worker/Resource']);
  });

  test('flags RecursiveLoop: Allow even when the stack shows no loop', () => {
    const stack = newStack();
    fn(stack, 'Unguarded', { recursiveLoop: RecursiveLoop.ALLOW });
    fn(stack, 'Guarded', { recursiveLoop: RecursiveLoop.TERMINATE });
    assert.deepEqual(flagged(stack), ['Fixture/Unguarded/Resource']);
  });
});

describe('RecursiveLambda: shapes it leaves alone', () => {
  test('stays silent when the write prefix and the notification prefix are disjoint', () => {
    const stack = newStack();
    const uploads = new Bucket(stack, 'Uploads');
    const thumbnailer = fn(stack, 'Thumbnailer');
    uploads.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(thumbnailer), { prefix: 'incoming/' });
    uploads.grantRead(thumbnailer, 'incoming/*');
    uploads.grantPut(thumbnailer, 'processed/*');
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent when the suffixes are disjoint, and through EventBridge when the key prefixes are', () => {
    const stack = newStack();
    const uploads = new Bucket(stack, 'Uploads', { eventBridgeEnabled: true });
    const converter = fn(stack, 'Converter');
    uploads.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(converter), { suffix: '.csv' });
    uploads.grantPut(converter, 'converted/*.parquet');
    const resizer = fn(stack, 'Resizer');
    new Rule(stack, 'OnUpload', {
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [uploads.bucketName] }, object: { key: [{ prefix: 'raw/' }] } } },
      targets: [new LambdaTarget(resizer)],
    });
    uploads.grantPut(resizer, 'small/*');
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent on a function that writes to a different bucket, and on object deletes', () => {
    const stack = newStack();
    const raw = new Bucket(stack, 'Raw');
    const curated = new Bucket(stack, 'Curated');
    const transform = fn(stack, 'Transform');
    raw.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(transform));
    raw.grantRead(transform);
    raw.grantDelete(transform);
    curated.grantPut(transform);
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent on a consumer that only reads its queue, and on a producer feeding another function', () => {
    const stack = newStack();
    const jobs = new Queue(stack, 'Jobs');
    const deadLetters = new Queue(stack, 'DeadLetters');
    const producer = fn(stack, 'Producer');
    const consumer = new LambdaFunction(stack, 'Consumer', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({});'),
      deadLetterQueue: deadLetters,
    });
    consumer.addEventSource(new SqsEventSource(jobs));
    jobs.grantSendMessages(producer);
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent on a stream consumer that writes to another table', () => {
    const stack = newStack();
    const orders = new TableV2(stack, 'Orders', { partitionKey: { name: 'pk', type: AttributeType.STRING }, dynamoStream: StreamViewType.NEW_IMAGE });
    const totals = new TableV2(stack, 'Totals', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const projector = fn(stack, 'Projector');
    projector.addEventSource(new DynamoEventSource(orders, { startingPosition: StartingPosition.LATEST }));
    orders.grantReadData(projector);
    totals.grantWriteData(projector);
    assert.deepEqual(flagged(stack), []);
  });

  test('stays silent on a Step Functions loop around a function, and on an EventBridge Pipes role', () => {
    const stack = newStack();
    const page = fn(stack, 'CountPage');
    const step = new LambdaInvoke(stack, 'Count', { lambdaFunction: page, payloadResponseOnly: true });
    const definition = step.next(new Choice(stack, 'More?').when(Condition.isPresent('$.cursor'), step).otherwise(new Succeed(stack, 'Done')));
    new StateMachine(stack, 'Walk', { definitionBody: DefinitionBody.fromChainable(definition) });

    const source = new Queue(stack, 'PipeSource');
    const target = fn(stack, 'PipeTarget');
    const pipeRole = new Role(stack, 'PipeRole', { assumedBy: new ServicePrincipal('pipes.amazonaws.com') });
    source.grantConsumeMessages(pipeRole);
    target.grantInvoke(pipeRole);
    source.grantSendMessages(pipeRole);
    new CfnPipe(stack, 'Pipe', { roleArn: pipeRole.roleArn, source: source.queueArn, target: target.functionArn });
    assert.deepEqual(flagged(stack), []);
  });

  test("stays silent on CDK's helper functions: providers, AwsCustomResource, BucketDeployment, autoDeleteObjects, log retention", () => {
    const stack = newStack();
    const site = new Bucket(stack, 'Site', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    const onSite = fn(stack, 'OnSite', { logRetention: RetentionDays.ONE_WEEK });
    site.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(onSite));
    site.grantRead(onSite);
    new BucketDeployment(stack, 'Deploy', { sources: [Source.data('index.html', '<h1>hi</h1>')], destinationBucket: site });
    new AwsCustomResource(stack, 'Lookup', {
      onCreate: { service: 'SSM', action: 'getParameter', parameters: { Name: 'x' }, physicalResourceId: PhysicalResourceId.of('x') },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    new Provider(stack, 'Provider', { onEventHandler: fn(stack, 'OnEvent'), isCompleteHandler: fn(stack, 'IsComplete'), totalTimeout: Duration.minutes(5) });
    assert.deepEqual(flagged(stack), []);
  });

  test('is not applicable to anything but a Lambda function', () => {
    const stack = newStack();
    const jobs = new Queue(stack, 'Jobs');
    fn(stack, 'Worker').addEventSource(new SqsEventSource(jobs));
    const report = new ServerlessAntiPatternChecks().validateScope(stack);
    assert.ok(report.violations.every((v) => v.ruleName !== RULE));
  });
});

describe('RecursiveLambda: S3 key overlap', () => {
  test('treats keys as disjoint only when a prefix or a suffix rules out every common key', () => {
    assert.equal(keysOverlap('*', { prefix: 'incoming/', suffix: '' }), true);
    assert.equal(keysOverlap('processed/*', { prefix: 'incoming/', suffix: '' }), false);
    assert.equal(keysOverlap('incoming/out/*', { prefix: 'incoming/', suffix: '' }), true);
    assert.equal(keysOverlap('in*', { prefix: 'incoming/', suffix: '' }), true);
    assert.equal(keysOverlap('out/*.json', { prefix: '', suffix: '.csv' }), false);
    assert.equal(keysOverlap('out/*', { prefix: '', suffix: '.csv' }), true);
    assert.equal(keysOverlap('reports/daily.csv', { prefix: 'reports/', suffix: '.csv' }), true);
    assert.equal(keysOverlap('reports/daily.json', { prefix: 'reports/', suffix: '.csv' }), false);
  });
});

describe('RecursiveLambda through template files', () => {
  test('flags the function in a synthesized template read back through CfnInclude, and honours a written acknowledgement', () => {
    const app = new App();
    const stack = new Stack(app, 'SelfFeeding');
    const pages = new Queue(stack, 'Pages');
    const worker = fn(stack, 'Worker');
    worker.addEventSource(new SqsEventSource(pages));
    pages.grantSendMessages(worker);
    const acknowledged = fn(stack, 'Acknowledged');
    acknowledged.addEventSource(new SqsEventSource(pages));
    pages.grantSendMessages(acknowledged);
    const resource = acknowledged.node.defaultChild as unknown as { addMetadata(k: string, v: unknown): void };
    resource.addMetadata('cdk_nag', { rules_to_suppress: [{ id: RULE, reason: 'Each message carries a hop count the handler caps at 3.' }] });

    const dir = mkdtempSync(join(tmpdir(), 'recursive-lambda-'));
    const file = join(dir, 'SelfFeeding.template.json');
    writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    const findings = checkTemplateFiles([file]).filter((f) => f.rule === RULE);
    assert.deepEqual(
      findings.map((f) => [f.stack, f.logicalId]),
      [['SelfFeeding', stack.getLogicalId(worker.node.defaultChild as never)]],
    );
  });
});
