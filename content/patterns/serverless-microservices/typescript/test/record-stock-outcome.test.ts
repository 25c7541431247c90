import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConditionalCheckFailedException, type UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import type { StockOutcomeDetail } from '../lambda/contracts';
import { createRecordStockOutcome } from '../lambda/record-stock-outcome';

process.env.AWS_REGION ??= 'us-east-1';

const outcomeEvent = (outcome: StockOutcomeDetail['outcome']) =>
  ({ id: 'evt-9', source: 'shop.inventory', 'detail-type': 'StockReserved', detail: { orderId: 'o-1', outcome, decidedAt: '2026-12-05T10:00:05.000Z' } }) as unknown as EventBridgeEvent<string, StockOutcomeDetail>;

/** An Orders table of one order whose update honours the handler's condition on status. */
function ordersTable(status: string | undefined) {
  const state = { status };
  const calls: UpdateItemCommandInput[] = [];
  const update = async (input: UpdateItemCommandInput) => {
    calls.push(input);
    if (state.status !== input.ExpressionAttributeValues?.[':placed']?.S) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    state.status = input.ExpressionAttributeValues?.[':next']?.S;
    return {};
  };
  return { state, calls, update };
}

describe('record stock outcome', () => {
  test('confirms a placed order once; a redelivered outcome changes nothing', async () => {
    const table = ordersTable('PLACED');
    const record = createRecordStockOutcome(table.update, 'Orders');
    const original = console.log;
    console.log = () => {};
    try {
      assert.equal(await record(outcomeEvent('RESERVED')), 'applied');
      assert.equal(table.state.status, 'CONFIRMED');
      assert.equal(await record(outcomeEvent('UNAVAILABLE')), 'ignored');
      assert.equal(table.state.status, 'CONFIRMED');
    } finally {
      console.log = original;
    }
    assert.deepEqual(table.calls[0], {
      TableName: 'Orders',
      Key: { orderId: { S: 'o-1' } },
      UpdateExpression: 'SET #s = :next, decidedAt = :at',
      ConditionExpression: '#s = :placed',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':next': { S: 'CONFIRMED' }, ':placed': { S: 'PLACED' }, ':at': { S: '2026-12-05T10:00:05.000Z' } },
    });
  });

  test('rejects a placed order when stock is unavailable, and ignores an outcome for an unknown order', async () => {
    const table = ordersTable('PLACED');
    assert.equal(await createRecordStockOutcome(table.update, 'Orders')(outcomeEvent('UNAVAILABLE')), 'applied');
    assert.equal(table.state.status, 'REJECTED');
    const original = console.log;
    console.log = () => {};
    try {
      assert.equal(await createRecordStockOutcome(ordersTable(undefined).update, 'Orders')(outcomeEvent('RESERVED')), 'ignored');
    } finally {
      console.log = original;
    }
  });

  test('throws on any other DynamoDB failure so Lambda retries and then dead-letters the event', async () => {
    const record = createRecordStockOutcome(async () => { throw new Error('ThrottlingException'); }, 'Orders');
    await assert.rejects(record(outcomeEvent('RESERVED')), /Throttling/);
  });
});
