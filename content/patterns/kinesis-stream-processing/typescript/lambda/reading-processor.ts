import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { parseReading } from './reading';

/** The one DynamoDB call this function makes; a stub in the tests, the SDK client in Lambda. */
export type Send = (command: UpdateItemCommand) => Promise<unknown>;
export type Log = (line: Record<string, unknown>) => void;

export type Outcome = 'stored' | 'older-than-stored' | 'held-back';

/**
 * Keeps the newest reading per device. The condition compares event times, so a reading that
 * arrives late, or a record Lambda delivers a second time, can never overwrite a newer one.
 */
export async function storeReading(send: Send, tableName: string, record: KinesisStreamRecord): Promise<Outcome> {
  const reading = parseReading(record.kinesis.data);
  try {
    await send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { deviceId: { S: reading.deviceId } },
        UpdateExpression: 'SET temperature = :temperature, readAt = :readAt, readAtMs = :readAtMs, sequenceNumber = :seq',
        ConditionExpression: 'attribute_not_exists(readAtMs) OR readAtMs < :readAtMs',
        ExpressionAttributeValues: {
          ':temperature': { N: String(reading.temperature) },
          ':readAt': { S: reading.readAt },
          ':readAtMs': { N: String(reading.readAtMs) },
          ':seq': { S: record.kinesis.sequenceNumber },
        },
      }),
    );
    return 'stored';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return 'older-than-stored';
    throw error;
  }
}

// Module scope: one processor per execution environment, reset by Powertools for each batch.
const processor = new BatchProcessor(EventType.KinesisDataStreams);

export function createHandler(send: Send, tableName: string, log: Log) {
  return async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    // Set by the first failure in this batch. Every later record is left alone: Lambda resumes
    // from the lowest failed sequence number, so they come back in order on the retry, and
    // writing them now would apply a device's later readings before its earlier one.
    let heldBackFrom: string | undefined;
    const recordHandler = async (record: KinesisStreamRecord): Promise<Outcome> => {
      if (heldBackFrom !== undefined) return 'held-back';
      try {
        return await storeReading(send, tableName, record);
      } catch (error) {
        heldBackFrom = record.kinesis.sequenceNumber;
        log({ level: 'ERROR', message: 'reading not processed', sequenceNumber: heldBackFrom, partitionKey: record.kinesis.partitionKey, error: String(error) });
        throw error;
      }
    };
    return processPartialResponse(event, recordHandler, processor, {
      ...(context ? { context } : {}),
      // Powertools runs records in parallel unless told otherwise; a shard's order matters here.
      processInParallel: false,
      // A batch whose records all failed is reported like any other failure, not thrown:
      // the Errors alarm then means "the function broke", and bad data shows up in FailedBatches.
      throwOnFullBatchFailure: false,
    });
  };
}

let client: DynamoDBClient | undefined;
const send: Send = (command) => (client ??= new DynamoDBClient({})).send(command);

export const handler = createHandler(send, process.env.LATEST_READINGS_TABLE ?? '', (line) => process.stdout.write(`${JSON.stringify(line)}\n`));
