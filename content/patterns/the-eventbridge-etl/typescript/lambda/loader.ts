import { type AttributeValue, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import type { ROW_TRANSFORMED, RowTransformedDetail } from './pipeline-events';

/** The one DynamoDB call the handler makes, so tests can stand in for the client. */
export type PutOrder = (item: Record<string, AttributeValue>) => Promise<void>;

/**
 * Keyed by order id, so loading the same row twice (EventBridge and Lambda both deliver at
 * least once) overwrites one item instead of creating a duplicate.
 */
export function orderItem(detail: RowTransformedDetail, loadedAt: string): Record<string, AttributeValue> {
  const { order } = detail;
  return {
    orderId: { S: order.orderId },
    customer: { S: order.customer },
    amountCents: { N: String(order.amountCents) },
    currency: { S: order.currency },
    orderDate: { S: order.orderDate },
    sourceFile: { S: `s3://${detail.bucket}/${detail.key}` },
    sourceRow: { N: String(detail.row) },
    loadedAt: { S: loadedAt },
  };
}

export function dynamoPut(client: DynamoDBClient, tableName: string): PutOrder {
  return async (item) => {
    await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
  };
}

export function createHandler(put: PutOrder, now: () => Date = () => new Date()) {
  return async (event: EventBridgeEvent<typeof ROW_TRANSFORMED, RowTransformedDetail>): Promise<void> => {
    await put(orderItem(event.detail, now().toISOString()));
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createHandler(dynamoPut(new DynamoDBClient({}), process.env.ORDERS_TABLE_NAME ?? ''));
