import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ChargeRequest, ChargeResult } from './charge-payment';
import { type PricedOrder, priceOrder } from './orders';

// THE ANTI-PATTERN. PlaceOrder prices the order, then calls ChargePayment itself and waits for it
// (InvocationType RequestResponse), then saves the order. It is billed while it waits, its timeout
// must cover ChargePayment's, and a failure after the charge leaves a paid order nobody recorded.

export type InvokeCharge = (request: ChargeRequest) => Promise<ChargeResult>;
export type SaveOrder = (order: PricedOrder & { paymentId: string; placedAt: string }) => Promise<void>;
export type PlaceOrderResult =
  | { status: 'accepted'; orderId: string; totalCents: number; paymentId: string }
  | { status: 'declined'; orderId: string; reason: string }
  | { status: 'rejected'; reasons: string[] };

export function lambdaInvokeCharge(client: LambdaClient, functionName: string): InvokeCharge {
  return async (request) => {
    const response = await client.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(request)) }),
    );
    const body = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    // A callee's crash or timeout comes back as a 200 with FunctionError set: the SDK does not retry it.
    if (response.FunctionError) throw new Error(`ChargePayment failed (${response.FunctionError}): ${body}`);
    return JSON.parse(body) as ChargeResult;
  };
}

export function dynamoSaveOrder(client: DynamoDBClient, tableName: string): SaveOrder {
  return async (order) => {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          orderId: { S: order.orderId },
          status: { S: 'PAID' },
          totalCents: { N: String(order.totalCents) },
          items: { S: JSON.stringify(order.items) },
          paymentId: { S: order.paymentId },
          placedAt: { S: order.placedAt },
        },
      }),
    );
  };
}

export function createHandler(invokeCharge: InvokeCharge, saveOrder: SaveOrder, now: () => Date = () => new Date()) {
  return async (event: unknown): Promise<PlaceOrderResult> => {
    const pricing = priceOrder(event);
    if (!pricing.valid) return { status: 'rejected', reasons: pricing.reasons };
    const { order } = pricing;
    const charge = await invokeCharge({ orderId: order.orderId, amountCents: order.totalCents, cardToken: order.cardToken });
    if (charge.status === 'declined') return { status: 'declined', orderId: order.orderId, reason: charge.reason };
    // If this write fails or PlaceOrder times out here, the card is charged and no order exists.
    await saveOrder({ ...order, paymentId: charge.paymentId, placedAt: now().toISOString() });
    return { status: 'accepted', orderId: order.orderId, totalCents: order.totalCents, paymentId: charge.paymentId };
  };
}

export const handler = createHandler(
  lambdaInvokeCharge(new LambdaClient({}), process.env.CHARGE_PAYMENT_FUNCTION_NAME ?? ''),
  dynamoSaveOrder(new DynamoDBClient({}), process.env.ORDERS_TABLE_NAME ?? ''),
);
