import { type AttributeValue, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import type { SERVICE_CALL_FAILED, ServiceCallFailedDetail } from './breaker-events';

/** The one DynamoDB call the handler makes, so tests can stand in for the client. */
export type PutFailure = (item: Record<string, AttributeValue>) => Promise<void>;

/**
 * One item per failure. The event id in the sort key makes a redelivered event overwrite its own
 * item instead of counting twice; the TTL lets DynamoDB delete the item once it has left the window.
 */
export function failureItem(eventId: string, detail: ServiceCallFailedDetail, windowMs: number): Record<string, AttributeValue> {
  const failedAtMs = Date.parse(detail.failedAt);
  if (Number.isNaN(failedAtMs)) throw new Error(`failedAt is not a timestamp: ${detail.failedAt}`);
  const item: Record<string, AttributeValue> = {
    service: { S: detail.service },
    failedAt: { S: `${new Date(failedAtMs).toISOString()}#${eventId}` },
    expiresAt: { N: String(Math.ceil((failedAtMs + windowMs) / 1000)) },
    reason: { S: detail.reason },
    durationMs: { N: String(detail.durationMs) },
    message: { S: detail.message.slice(0, 500) },
    requestId: { S: detail.requestId },
  };
  if (detail.statusCode !== undefined) item.statusCode = { N: String(detail.statusCode) };
  return item;
}

export function dynamoPut(client: DynamoDBClient, tableName: string): PutFailure {
  return async (item) => {
    await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
  };
}

export function createHandler(put: PutFailure, windowMs: number) {
  return async (event: EventBridgeEvent<typeof SERVICE_CALL_FAILED, ServiceCallFailedDetail>): Promise<void> => {
    await put(failureItem(event.id, event.detail, windowMs));
  };
}

const windowSeconds = Number(process.env.WINDOW_SECONDS ?? '60');
export const handler = createHandler(dynamoPut(new DynamoDBClient({}), process.env.FAILURES_TABLE_NAME ?? ''), windowSeconds * 1000);
