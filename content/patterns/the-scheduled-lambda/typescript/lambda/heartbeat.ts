import { DynamoDBClient, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';

/** Heartbeat items expire this long after their scheduled time; DynamoDB TTL deletes them for free. */
export const KEEP_DAYS = 7;

/** What the schedule sends: EventBridge Scheduler fills in these context attributes on every run. */
export interface ScheduleInput {
  scheduledTime: string;
  executionId: string;
  attemptNumber: number;
  scheduleArn: string;
}

/** One run as it is stored. */
export interface Beat {
  scheduledTime: string;
  startedAt: string;
  lagMs: number;
  executionId: string;
  attemptNumber: number;
  requestId: string;
  expiresAt: number;
}

export type WriteResult = 'written' | 'duplicate';
/** The one DynamoDB call the handler makes, so tests can stand in for the client. */
export type WriteBeat = (beat: Beat) => Promise<WriteResult>;

export class InvalidInput extends Error {
  override name = 'InvalidInput';
}

export function parseInput(event: unknown): ScheduleInput {
  const e = (event ?? {}) as Record<string, unknown>;
  const time = typeof e.scheduledTime === 'string' ? Date.parse(e.scheduledTime) : Number.NaN;
  if (Number.isNaN(time)) throw new InvalidInput('scheduledTime must be an ISO 8601 timestamp');
  const attempt = Number(e.attemptNumber ?? 1);
  if (!Number.isInteger(attempt) || attempt < 1) throw new InvalidInput('attemptNumber must be a positive integer');
  return {
    // Normalised, so the same run always produces the same key.
    scheduledTime: new Date(time).toISOString(),
    executionId: typeof e.executionId === 'string' ? e.executionId : 'unknown',
    attemptNumber: attempt,
    scheduleArn: typeof e.scheduleArn === 'string' ? e.scheduleArn : 'unknown',
  };
}

export function toBeat(input: ScheduleInput, now: Date, requestId: string): Beat {
  const scheduled = Date.parse(input.scheduledTime);
  return {
    scheduledTime: input.scheduledTime,
    startedAt: now.toISOString(),
    lagMs: Math.max(0, now.getTime() - scheduled),
    executionId: input.executionId,
    attemptNumber: input.attemptNumber,
    requestId,
    expiresAt: Math.floor(scheduled / 1000) + KEEP_DAYS * 24 * 3600,
  };
}

/**
 * One transaction: the heartbeat row for this scheduled time, written only if it does not exist yet,
 * and the summary row that counts runs. A repeated delivery of the same run changes neither.
 */
export function transaction(tableName: string, beat: Beat) {
  return new TransactWriteItemsCommand({
    TransactItems: [
      {
        Put: {
          TableName: tableName,
          Item: {
            pk: { S: 'heartbeat' },
            sk: { S: beat.scheduledTime },
            startedAt: { S: beat.startedAt },
            lagMs: { N: String(beat.lagMs) },
            executionId: { S: beat.executionId },
            attemptNumber: { N: String(beat.attemptNumber) },
            requestId: { S: beat.requestId },
            expiresAt: { N: String(beat.expiresAt) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: tableName,
          Key: { pk: { S: 'summary' }, sk: { S: 'latest' } },
          UpdateExpression: 'ADD runs :one SET lastScheduledTime = :t, lastStartedAt = :s, lastLagMs = :lag',
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':t': { S: beat.scheduledTime },
            ':s': { S: beat.startedAt },
            ':lag': { N: String(beat.lagMs) },
          },
        },
      },
    ],
  });
}

export function dynamoWriter(client: Pick<DynamoDBClient, 'send'>, tableName: string): WriteBeat {
  return async (beat) => {
    try {
      await client.send(transaction(tableName, beat));
      return 'written';
    } catch (error) {
      // Only the first item carries a condition; its failure means this run was already recorded.
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        return 'duplicate';
      }
      throw error;
    }
  };
}

export function createHandler(write: WriteBeat, now: () => Date = () => new Date()) {
  return async (event: unknown, context: Pick<Context, 'awsRequestId'>) => {
    const beat = toBeat(parseInput(event), now(), context.awsRequestId);
    // Any error propagates: Lambda retries the run, then sends it to the MissedRuns queue.
    const result = await write(beat);
    console.log(JSON.stringify({ level: 'INFO', message: `heartbeat ${result}`, ...beat }));
    return { result, scheduledTime: beat.scheduledTime, lagMs: beat.lagMs };
  };
}

export const handler = createHandler(dynamoWriter(new DynamoDBClient({}), process.env.TABLE_NAME ?? ''));
