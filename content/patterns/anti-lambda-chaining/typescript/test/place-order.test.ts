import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createHandler, dynamoSaveOrder, lambdaInvokeCharge, type SaveOrder } from '../lambda/place-order';

const order = { orderId: 'ord-1001', cardToken: 'tok_visa', items: [{ sku: 'BOOK-1', quantity: 2 }] };
const at = () => new Date('2026-12-05T10:00:00.000Z');

/** A Lambda client that answers the way the Invoke API does, payload as bytes. */
function fakeLambda(answer: { payload: unknown; functionError?: string }) {
  const sent: InvokeCommand[] = [];
  const client = {
    send: async (command: InvokeCommand) => {
      sent.push(command);
      return { StatusCode: 200, FunctionError: answer.functionError, Payload: new TextEncoder().encode(JSON.stringify(answer.payload)) };
    },
  } as unknown as LambdaClient;
  return { client, sent };
}

describe('PlaceOrder (the anti-pattern)', () => {
  test('invokes ChargePayment with RequestResponse and waits for its answer before saving the order', async () => {
    const lambda = fakeLambda({ payload: { status: 'approved', paymentId: 'ord-1001' } });
    const puts: PutItemCommand[] = [];
    const dynamo = { send: async (c: PutItemCommand) => void puts.push(c) } as unknown as DynamoDBClient;
    const placeOrder = createHandler(lambdaInvokeCharge(lambda.client, 'ChargePayment'), dynamoSaveOrder(dynamo, 'Orders'), at);

    assert.deepEqual(await placeOrder(order), { status: 'accepted', orderId: 'ord-1001', totalCents: 2500, paymentId: 'ord-1001' });
    assert.equal(lambda.sent.length, 1);
    const invoke = lambda.sent[0]!.input;
    assert.equal(invoke.FunctionName, 'ChargePayment');
    assert.equal(invoke.InvocationType, 'RequestResponse');
    assert.deepEqual(JSON.parse(Buffer.from(invoke.Payload as Uint8Array).toString()), { orderId: 'ord-1001', amountCents: 2500, cardToken: 'tok_visa' });
    assert.deepEqual(puts[0]!.input.Item, {
      orderId: { S: 'ord-1001' },
      status: { S: 'PAID' },
      totalCents: { N: '2500' },
      items: { S: JSON.stringify([{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }]) },
      paymentId: { S: 'ord-1001' },
      placedAt: { S: '2026-12-05T10:00:00.000Z' },
    });
  });

  test('leaves the card charged and no order saved when the order write fails after the charge', async () => {
    const lambda = fakeLambda({ payload: { status: 'approved', paymentId: 'ord-1001' } });
    const failingSave: SaveOrder = async () => {
      throw new Error('ThrottlingException');
    };
    const placeOrder = createHandler(lambdaInvokeCharge(lambda.client, 'ChargePayment'), failingSave, at);
    await assert.rejects(placeOrder(order), /ThrottlingException/);
    // The charge already happened: the chain has no step that could undo or resume it.
    assert.equal(lambda.sent.length, 1);
  });

  test("turns ChargePayment's crash into its own failure, and answers declines and bad orders without saving", async () => {
    const saved: string[] = [];
    const save: SaveOrder = async (o) => void saved.push(o.orderId);
    const crashed = fakeLambda({ payload: { errorType: 'Error', errorMessage: 'Task timed out after 10.00 seconds' }, functionError: 'Unhandled' });
    await assert.rejects(createHandler(lambdaInvokeCharge(crashed.client, 'ChargePayment'), save, at)(order), /ChargePayment failed \(Unhandled\).*timed out/);
    const declined = fakeLambda({ payload: { status: 'declined', orderId: 'ord-1001', reason: 'card_declined' } });
    assert.deepEqual(await createHandler(lambdaInvokeCharge(declined.client, 'ChargePayment'), save, at)(order), {
      status: 'declined',
      orderId: 'ord-1001',
      reason: 'card_declined',
    });
    const unused = fakeLambda({ payload: {} });
    const rejected = await createHandler(lambdaInvokeCharge(unused.client, 'ChargePayment'), save, at)({ ...order, items: [] });
    assert.equal(rejected.status, 'rejected');
    assert.equal(unused.sent.length, 0);
    assert.deepEqual(saved, []);
  });
});
