import type { KinesisStreamRecord } from 'aws-lambda';

export const SHARD = 'shardId-000000000000';
export const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/Readings';

/** A Kinesis record as Lambda delivers it: the producer's bytes base64-encoded in kinesis.data. */
export function kinesisRecord(sequenceNumber: string, payload: unknown, partitionKey = 'fridge-7'): KinesisStreamRecord {
  const bytes = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(bytes, 'utf8').toString('base64'),
      approximateArrivalTimestamp: 1796464800.5,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${SHARD}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/ReadingProcessorRole',
    awsRegion: 'us-east-1',
    eventSourceARN: STREAM_ARN,
  };
}

export const reading = (deviceId: string, temperature: number, readAt: string) => ({ deviceId, temperature, readAt });

/** A stand-in for DynamoDBClient.send that records each command's input and can refuse some. */
export function fakeDynamo(refuse: (input: Record<string, any>) => Error | undefined = () => undefined) {
  const calls: Record<string, any>[] = [];
  const send = async (command: { input: object }) => {
    const input = command.input as Record<string, any>;
    const error = refuse(input);
    if (error) throw error;
    calls.push(input);
    return {};
  };
  return { calls, send };
}

export function conditionFailed(): Error {
  const error = new Error('The conditional request failed');
  error.name = 'ConditionalCheckFailedException';
  return error;
}
