import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** One webhook, ready to store. */
export interface WebhookRecord {
  messageId: string;
  /** The webhook body exactly as it was received. */
  payload: string;
  /** When SQS accepted the message (ISO 8601). */
  sentAt: string;
  /** The API Gateway request id, when the message came through the API. */
  apiRequestId?: string;
}

export type PutOutcome = 'created' | 'duplicate';

/** The one DynamoDB call the handler makes, so tests can stand in for the client. */
export type PutOnce = (record: WebhookRecord) => Promise<PutOutcome>;

/** A message that can never be stored, however often it is retried. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

export function toWebhookRecord(message: SQSRecord): WebhookRecord {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    throw new MalformedMessageError('body is not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new MalformedMessageError('body is not a JSON object');
  }
  const sentMs = Number(message.attributes?.SentTimestamp);
  const record: WebhookRecord = {
    messageId: message.messageId,
    payload: message.body,
    sentAt: new Date(Number.isFinite(sentMs) ? sentMs : Date.now()).toISOString(),
  };
  const apiRequestId = message.messageAttributes?.apiRequestId?.stringValue;
  if (apiRequestId) record.apiRequestId = apiRequestId;
  return record;
}

export function dynamoPutOnce(client: DynamoDBClient, tableName: string): PutOnce {
  return async (record) => {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            messageId: { S: record.messageId },
            payload: { S: record.payload },
            sentAt: { S: record.sentAt },
            storedAt: { S: new Date().toISOString() },
            ...(record.apiRequestId ? { apiRequestId: { S: record.apiRequestId } } : {}),
          },
          // SQS delivers at least once; the condition turns a second delivery into a no-op.
          ConditionExpression: 'attribute_not_exists(messageId)',
        }),
      );
      return 'created';
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return 'duplicate';
      throw error;
    }
  };
}

export function createHandler(putOnce: PutOnce) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    const counts = { created: 0, duplicate: 0, failed: 0 };

    // One write at a time: parallel writes inside a batch would multiply the load
    // that the concurrency cap exists to limit.
    for (const message of event.Records) {
      try {
        counts[await putOnce(toWebhookRecord(message))] += 1;
      } catch (error) {
        counts.failed += 1;
        // Only this message goes back to the queue; after maxReceiveCount it lands in the DLQ.
        batchItemFailures.push({ itemIdentifier: message.messageId });
        console.error(
          JSON.stringify({
            level: 'ERROR',
            message: 'webhook not stored',
            messageId: message.messageId,
            malformed: error instanceof MalformedMessageError,
            error: String(error),
          }),
        );
      }
    }

    console.log(JSON.stringify({ level: 'INFO', message: 'batch done', received: event.Records.length, ...counts }));
    return { batchItemFailures };
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
const tableName = process.env.MESSAGES_TABLE_NAME ?? '';
export const handler = createHandler(dynamoPutOnce(new DynamoDBClient({}), tableName));
