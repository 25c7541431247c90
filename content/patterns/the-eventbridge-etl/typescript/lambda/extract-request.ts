import { createHash } from 'node:crypto';
import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { S3EventRecord, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { TASK_STARTED_BY } from './pipeline-events';

/** One CSV object that S3 reported as created. */
export interface CsvObject {
  bucket: string;
  key: string;
  /** Orders events for the same key; differs for every write, so it identifies this upload. */
  sequencer: string;
}

export interface ExtractorConfig {
  clusterArn: string;
  taskDefinitionArn: string;
  taskFamily: string;
  containerName: string;
  subnetIds: string[];
  securityGroupId: string;
  eventBusName: string;
  maxRunningTasks: number;
  maxEventsPerSecond: number;
}

/** The two ECS calls the handler makes, so tests can stand in for the client. */
export interface ExtractorDeps {
  runningTasks: () => Promise<number>;
  runTask: (input: RunTaskCommandInput) => Promise<string>;
}

/** S3 URL-encodes keys in notifications and writes spaces as "+". */
export function decodeKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

export function csvObjectsIn(messageBody: string): CsvObject[] {
  const message = JSON.parse(messageBody) as { Event?: string; Records?: S3EventRecord[] };
  // S3 sends a test message when the notification is first configured; it names no object.
  if (message.Event === 's3:TestEvent') return [];
  return (message.Records ?? [])
    .filter((r) => r.eventName?.startsWith('ObjectCreated:'))
    .map((r) => ({ bucket: r.s3.bucket.name, key: decodeKey(r.s3.object.key), sequencer: r.s3.object.sequencer }))
    .filter((o) => o.key.toLowerCase().endsWith('.csv'));
}

/**
 * RunTask's idempotency token (at most 64 characters). SQS may deliver the same notification
 * twice; the same token makes ECS return the first task instead of starting a second one.
 */
export function clientToken(o: CsvObject): string {
  return createHash('sha256').update(`${o.bucket}/${o.key}@${o.sequencer}`).digest('hex');
}

export function runTaskRequest(o: CsvObject, config: ExtractorConfig): RunTaskCommandInput {
  return {
    cluster: config.clusterArn,
    taskDefinition: config.taskDefinitionArn,
    launchType: 'FARGATE',
    count: 1,
    clientToken: clientToken(o),
    startedBy: TASK_STARTED_BY,
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: config.subnetIds,
        securityGroups: [config.securityGroupId],
        // Public subnets without a NAT gateway: the public address is how the task reaches ECR and EventBridge.
        assignPublicIp: 'ENABLED',
      },
    },
    overrides: {
      containerOverrides: [
        {
          name: config.containerName,
          environment: [
            { name: 'SOURCE_BUCKET', value: o.bucket },
            { name: 'SOURCE_KEY', value: o.key },
            { name: 'EVENT_BUS_NAME', value: config.eventBusName },
            { name: 'MAX_EVENTS_PER_SECOND', value: String(config.maxEventsPerSecond) },
          ],
        },
      ],
    },
  };
}

export function readConfig(env: NodeJS.ProcessEnv): ExtractorConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  return {
    clusterArn: required('CLUSTER_ARN'),
    taskDefinitionArn: required('TASK_DEFINITION_ARN'),
    taskFamily: required('TASK_FAMILY'),
    containerName: required('CONTAINER_NAME'),
    subnetIds: required('SUBNET_IDS').split(','),
    securityGroupId: required('SECURITY_GROUP_ID'),
    eventBusName: required('EVENT_BUS_NAME'),
    maxRunningTasks: Number(required('MAX_RUNNING_TASKS')),
    maxEventsPerSecond: Number(required('MAX_EVENTS_PER_SECOND')),
  };
}

/** Not an error as such: the file is fine and will be retried when a slot frees up. */
export class TaskSlotsBusy extends Error {}

function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, extra: object): void {
  console.log(JSON.stringify({ level, message, ...extra }));
}

export function createHandler(deps: ExtractorDeps, config: ExtractorConfig) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        for (const o of csvObjectsIn(record.body)) {
          // The throttle on Fargate: leave the message on the queue while every task slot is taken.
          const running = await deps.runningTasks();
          if (running >= config.maxRunningTasks) {
            throw new TaskSlotsBusy(`${running} of ${config.maxRunningTasks} extract tasks are running`);
          }
          const taskArn = await deps.runTask(runTaskRequest(o, config));
          log('INFO', 'extract task started', { bucket: o.bucket, key: o.key, taskArn });
        }
      } catch (error) {
        if (error instanceof TaskSlotsBusy) {
          log('WARN', 'every extract task slot is busy; the file waits in the queue', { messageId: record.messageId, reason: error.message });
        } else {
          log('ERROR', 'could not start the extract task', { messageId: record.messageId, error: String(error) });
        }
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}
