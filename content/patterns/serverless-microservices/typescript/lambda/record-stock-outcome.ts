import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand, type UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import type { StockOutcomeDetail } from './contracts';

export type UpdateOrder = (input: UpdateItemCommandInput) => Promise<unknown>;

/**
 * Moves an order from PLACED to CONFIRMED or REJECTED, once. The condition makes a redelivered
 * event, or an outcome for an order that was never stored, a no-op instead of an overwrite.
 */
export function createRecordStockOutcome(update: UpdateOrder, tableName: string) {
  return async (event: EventBridgeEvent<string, StockOutcomeDetail>): Promise<'applied' | 'ignored'> => {
    const { orderId, outcome, decidedAt } = event.detail;
    try {
      await update({
        TableName: tableName,
        Key: { orderId: { S: orderId } },
        UpdateExpression: 'SET #s = :next, decidedAt = :at',
        ConditionExpression: '#s = :placed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':next': { S: outcome === 'RESERVED' ? 'CONFIRMED' : 'REJECTED' }, ':placed': { S: 'PLACED' }, ':at': { S: decidedAt } },
      });
      return 'applied';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        console.log(JSON.stringify({ level: 'INFO', message: 'outcome already applied or order unknown', orderId, eventId: event.id }));
        return 'ignored';
      }
      // Anything else is thrown, so Lambda retries and then parks the event in the dead-letter queue.
      throw error;
    }
  };
}

const dynamo = new DynamoDBClient({});
export const handler = createRecordStockOutcome((input) => dynamo.send(new UpdateItemCommand(input)), process.env.ORDERS_TABLE_NAME ?? '');
