import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type OrderPlaced, parseEnvelope, parseOrderPlaced } from './order-event';

/** Where a delivery came from, kept on the ledger entry as an audit trail. */
export type Delivery = { eventId: string; replayName?: string };
export type Outcome = 'recorded' | 'duplicate';
/** The one write the handler makes; tests stand in for it or for the DynamoDB client. */
export type RecordOrder = (order: OrderPlaced, delivery: Delivery) => Promise<Outcome>;

/** The revenue bucket an order counts in: the day it was placed, never the day it was processed. */
export function revenueKey(order: OrderPlaced): string {
  return `REVENUE#${order.placedAt.slice(0, 10)}#${order.currency}`;
}

export const orderKey = (orderId: string): string => `ORDER#${orderId}`;

/**
 * Records the order and adds it to its day's revenue in one transaction. The entry is keyed on
 * the business id (orderId), not on the EventBridge event id, and may only be created once, so a
 * second delivery of the same order, live duplicate or replay, cancels the whole transaction and
 * the revenue is not added twice.
 */
export function dynamoLedger(client: Pick<DynamoDBClient, 'send'>, tableName: string, now: () => Date = () => new Date()): RecordOrder {
  return async (order, delivery) => {
    const entry: Record<string, { S: string } | { N: string }> = {
      pk: { S: orderKey(order.orderId) },
      orderId: { S: order.orderId },
      customerId: { S: order.customerId },
      channel: { S: order.channel },
      totalCents: { N: String(order.totalCents) },
      currency: { S: order.currency },
      placedAt: { S: order.placedAt },
      recordedAt: { S: now().toISOString() },
      eventId: { S: delivery.eventId },
    };
    if (delivery.replayName) entry.replayName = { S: delivery.replayName };
    try {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: entry, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: tableName,
                Key: { pk: { S: revenueKey(order) } },
                UpdateExpression: 'ADD orders :one, totalCents :total',
                ExpressionAttributeValues: { ':one': { N: '1' }, ':total': { N: String(order.totalCents) } },
              },
            },
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isAlreadyRecorded(error)) return 'duplicate';
      throw error;
    }
  };
}

/** True only when the transaction was cancelled because the order entry already exists. */
export function isAlreadyRecorded(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons[0]?.Code === 'ConditionalCheckFailed';
}

/** Drains a batch from the ledger queue and reports only the records that failed. */
export function createHandler(record: RecordOrder) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const message of event.Records) {
      try {
        const envelope = parseEnvelope(JSON.parse(message.body));
        const order = parseOrderPlaced(envelope.detail);
        const replayName = envelope['replay-name'];
        const outcome = await record(order, { eventId: envelope.id, replayName });
        console.log(JSON.stringify({ level: 'INFO', message: `order ${outcome}`, orderId: order.orderId, eventId: envelope.id, replayName }));
      } catch (error) {
        // Returned to the queue and retried; after three receives it moves to LedgerDlq, which alarms.
        console.error(JSON.stringify({ level: 'ERROR', message: 'order not recorded', messageId: message.messageId, error: String(error) }));
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createHandler(dynamoLedger(new DynamoDBClient({}), process.env.LEDGER_TABLE_NAME ?? ''));
