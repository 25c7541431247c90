import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

// A stand-in for a card processor: declines one test token, records every approved charge in the
// Payments table. The same function runs in both stacks; only who calls it, and how, changes.

/** The test token the stand-in processor always declines. */
export const DECLINED_TOKEN = 'tok_declined';

export type ChargeRequest = { orderId: string; amountCents: number; cardToken: string };
export type ChargeResult = { status: 'approved'; paymentId: string } | { status: 'declined'; orderId: string; reason: string };
export type RecordCharge = (charge: { orderId: string; amountCents: number; chargedAt: string }) => Promise<void>;

export function dynamoRecordCharge(client: DynamoDBClient, tableName: string): RecordCharge {
  return async ({ orderId, amountCents, chargedAt }) => {
    try {
      // One charge per order: a retried request finds the first one and charges nothing more.
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { orderId: { S: orderId }, amountCents: { N: String(amountCents) }, chargedAt: { S: chargedAt } },
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  };
}

export function createHandler(record: RecordCharge, now: () => Date = () => new Date()) {
  return async (request: ChargeRequest): Promise<ChargeResult> => {
    if (typeof request?.orderId !== 'string' || !Number.isInteger(request.amountCents) || request.amountCents <= 0) {
      // A malformed request is a bug in the caller: fail loudly rather than charge a wrong amount.
      throw new Error('ChargePayment needs an orderId and a positive whole amountCents');
    }
    if (request.cardToken === DECLINED_TOKEN) return { status: 'declined', orderId: request.orderId, reason: 'card_declined' };
    await record({ orderId: request.orderId, amountCents: request.amountCents, chargedAt: now().toISOString() });
    return { status: 'approved', paymentId: request.orderId };
  };
}

export const handler = createHandler(dynamoRecordCharge(new DynamoDBClient({}), process.env.PAYMENTS_TABLE_NAME ?? ''));
