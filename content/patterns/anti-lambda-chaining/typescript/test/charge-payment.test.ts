import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConditionalCheckFailedException, type DynamoDBClient, type PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createHandler, DECLINED_TOKEN, dynamoRecordCharge } from '../lambda/charge-payment';

const at = () => new Date('2026-12-05T10:00:00.000Z');

/** A Payments table in memory that enforces the handler's own condition expression. */
function fakePayments() {
  const items = new Map<string, unknown>();
  const sent: PutItemCommand[] = [];
  const client = {
    send: async (command: PutItemCommand) => {
      sent.push(command);
      const { Item, ConditionExpression } = command.input;
      const key = Item!.orderId!.S!;
      if (ConditionExpression === 'attribute_not_exists(orderId)' && items.has(key)) {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      }
      items.set(key, Item);
      return {};
    },
  } as unknown as DynamoDBClient;
  return { client, items, sent };
}

describe('ChargePayment', () => {
  test('records one charge per order, so charging the same order twice charges once and approves both times', async () => {
    const payments = fakePayments();
    const charge = createHandler(dynamoRecordCharge(payments.client, 'Payments'), at);
    const request = { orderId: 'ord-1001', amountCents: 3400, cardToken: 'tok_visa' };
    assert.deepEqual(await charge(request), { status: 'approved', paymentId: 'ord-1001' });
    assert.deepEqual(await charge(request), { status: 'approved', paymentId: 'ord-1001' });
    assert.equal(payments.sent.length, 2);
    assert.deepEqual([...payments.items.entries()], [
      ['ord-1001', { orderId: { S: 'ord-1001' }, amountCents: { N: '3400' }, chargedAt: { S: '2026-12-05T10:00:00.000Z' } }],
    ]);
  });

  test('declines the test token without recording a charge', async () => {
    const payments = fakePayments();
    const charge = createHandler(dynamoRecordCharge(payments.client, 'Payments'), at);
    assert.deepEqual(await charge({ orderId: 'ord-2', amountCents: 900, cardToken: DECLINED_TOKEN }), { status: 'declined', orderId: 'ord-2', reason: 'card_declined' });
    assert.equal(payments.sent.length, 0);
  });

  test('fails on a malformed request and on any DynamoDB error other than a repeat', async () => {
    const payments = fakePayments();
    const charge = createHandler(dynamoRecordCharge(payments.client, 'Payments'), at);
    await assert.rejects(charge({ orderId: 'ord-3', amountCents: 0, cardToken: 'tok_visa' }), /positive whole amountCents/);
    const broken = { send: async () => { throw new Error('ProvisionedThroughputExceededException'); } } as unknown as DynamoDBClient;
    await assert.rejects(createHandler(dynamoRecordCharge(broken, 'Payments'), at)({ orderId: 'ord-4', amountCents: 100, cardToken: 'tok_visa' }), /Throughput/);
    assert.equal(payments.sent.length, 0);
  });
});
