import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { SQSEvent } from 'aws-lambda';
import {
  clientToken,
  createHandler,
  csvObjectsIn,
  decodeKey,
  type ExtractorConfig,
  readConfig,
  runTaskRequest,
} from '../lambda/extract-request';

const config: ExtractorConfig = {
  clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/etl',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/extract:3',
  taskFamily: 'extract',
  containerName: 'Extract',
  subnetIds: ['subnet-a', 'subnet-b'],
  securityGroupId: 'sg-1',
  eventBusName: 'etl-bus',
  maxRunningTasks: 2,
  maxEventsPerSecond: 20,
};

function s3Message(key: string, eventName = 'ObjectCreated:Put', sequencer = '0A1B'): string {
  return JSON.stringify({
    Records: [{ eventName, s3: { bucket: { name: 'landing' }, object: { key, sequencer } } }],
  });
}

function sqsEvent(...bodies: string[]): SQSEvent {
  return { Records: bodies.map((body, i) => ({ messageId: `m${i + 1}`, body })) } as unknown as SQSEvent;
}

function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = () => {};
  return fn().finally(() => {
    console.log = original;
  });
}

describe('reading the S3 notification', () => {
  test('decodes keys the way S3 encodes them', () => {
    assert.equal(decodeKey('daily+exports/orders%2B2026.csv'), 'daily exports/orders+2026.csv');
  });

  test('finds created CSV objects and skips everything else', () => {
    assert.deepEqual(csvObjectsIn(s3Message('in/Orders.CSV')), [{ bucket: 'landing', key: 'in/Orders.CSV', sequencer: '0A1B' }]);
    assert.deepEqual(csvObjectsIn(s3Message('in/readme.txt')), []);
    assert.deepEqual(csvObjectsIn(s3Message('in/orders.csv', 'ObjectRemoved:Delete')), []);
    assert.deepEqual(csvObjectsIn(JSON.stringify({ Event: 's3:TestEvent', Bucket: 'landing' })), []);
  });
});

describe('runTaskRequest', () => {
  test('starts one Fargate task in the public subnets with the file and limits as overrides', () => {
    const request = runTaskRequest({ bucket: 'landing', key: 'in/orders.csv', sequencer: '0A1B' }, config);
    assert.equal(request.cluster, config.clusterArn);
    assert.equal(request.taskDefinition, config.taskDefinitionArn);
    assert.equal(request.launchType, 'FARGATE');
    assert.equal(request.count, 1);
    assert.deepEqual(request.networkConfiguration?.awsvpcConfiguration, {
      subnets: ['subnet-a', 'subnet-b'],
      securityGroups: ['sg-1'],
      assignPublicIp: 'ENABLED',
    });
    assert.deepEqual(request.overrides?.containerOverrides, [
      {
        name: 'Extract',
        environment: [
          { name: 'SOURCE_BUCKET', value: 'landing' },
          { name: 'SOURCE_KEY', value: 'in/orders.csv' },
          { name: 'EVENT_BUS_NAME', value: 'etl-bus' },
          { name: 'MAX_EVENTS_PER_SECOND', value: '20' },
        ],
      },
    ]);
  });

  test('derives an idempotency token that fits RunTask and changes with every upload', () => {
    const first = clientToken({ bucket: 'landing', key: 'orders.csv', sequencer: '01' });
    assert.equal(first.length, 64);
    assert.equal(first, clientToken({ bucket: 'landing', key: 'orders.csv', sequencer: '01' }));
    assert.notEqual(first, clientToken({ bucket: 'landing', key: 'orders.csv', sequencer: '02' }));
  });
});

describe('extractor handler', () => {
  test('starts a task for each new CSV while slots are free', async () => {
    const started: RunTaskCommandInput[] = [];
    const handler = createHandler(
      {
        runningTasks: async () => 1,
        runTask: async (input) => {
          started.push(input);
          return 'arn:aws:ecs:task/1';
        },
      },
      config,
    );
    const result = await quietly(() => handler(sqsEvent(s3Message('a.csv'))));
    assert.deepEqual(result.batchItemFailures, []);
    assert.equal(started.length, 1);
    assert.equal(started[0]?.overrides?.containerOverrides?.[0]?.environment?.[1]?.value, 'a.csv');
  });

  test('leaves the file on the queue, without calling RunTask, while every slot is busy', async () => {
    let runTaskCalls = 0;
    const handler = createHandler(
      {
        runningTasks: async () => 2,
        runTask: async () => {
          runTaskCalls += 1;
          return 'arn';
        },
      },
      config,
    );
    const result = await quietly(() => handler(sqsEvent(s3Message('a.csv'))));
    assert.equal(runTaskCalls, 0);
    assert.deepEqual(result.batchItemFailures, [{ itemIdentifier: 'm1' }]);
  });

  test('reports only the message whose task could not be started', async () => {
    const handler = createHandler(
      {
        runningTasks: async () => 0,
        runTask: async (input) => {
          const key = input.overrides?.containerOverrides?.[0]?.environment?.[1]?.value;
          if (key === 'bad.csv') throw new Error('RunTask started nothing: [{"reason":"RESOURCE:ENI"}]');
          return 'arn';
        },
      },
      config,
    );
    const result = await quietly(() => handler(sqsEvent(s3Message('good.csv'), s3Message('bad.csv'), 'not json')));
    assert.deepEqual(result.batchItemFailures, [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
  });

  test('acknowledges the test message S3 sends when the notification is created', async () => {
    let calls = 0;
    const handler = createHandler(
      {
        runningTasks: async () => {
          calls += 1;
          return 0;
        },
        runTask: async () => 'arn',
      },
      config,
    );
    const result = await handler(sqsEvent(JSON.stringify({ Event: 's3:TestEvent' })));
    assert.deepEqual(result.batchItemFailures, []);
    assert.equal(calls, 0);
  });
});

describe('readConfig', () => {
  test('reads the limits and the comma-separated subnets', () => {
    const parsed = readConfig({
      CLUSTER_ARN: 'c',
      TASK_DEFINITION_ARN: 't',
      TASK_FAMILY: 'f',
      CONTAINER_NAME: 'Extract',
      SUBNET_IDS: 'subnet-a,subnet-b',
      SECURITY_GROUP_ID: 'sg',
      EVENT_BUS_NAME: 'bus',
      MAX_RUNNING_TASKS: '2',
      MAX_EVENTS_PER_SECOND: '20',
    });
    assert.deepEqual(parsed.subnetIds, ['subnet-a', 'subnet-b']);
    assert.equal(parsed.maxRunningTasks, 2);
    assert.throws(() => readConfig({}), /CLUSTER_ARN/);
  });
});
