import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BatchGetItemCommandInput, BatchGetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { type BatchGetClient, createHandler, dynamoLookup, MalformedOrder, MAX_ATTEMPTS } from '../lambda/enrich-order';
import { PRIORITY_ORDER, sqsRecord } from './fixtures';

const TABLE = 'Customers';

const ITEMS: Record<string, Record<string, { S: string }>> = {
  'cust-42': { customerId: { S: 'cust-42' }, name: { S: 'Ada Lovelace' }, tier: { S: 'gold' }, country: { S: 'GB' } },
  'cust-7': { customerId: { S: 'cust-7' }, name: { S: 'Grace Hopper' }, tier: { S: 'silver' }, country: { S: 'US' } },
};

/**
 * Stands in for the DynamoDB client: answers BatchGetItem from ITEMS and records every request.
 * `unprocessed(call)` names keys to hand back unprocessed on that call (1-based).
 */
function fakeDynamo(unprocessed: (call: number) => string[] = () => []) {
  const requests: BatchGetItemCommandInput[] = [];
  const client: BatchGetClient = {
    send: (async (command: { input: BatchGetItemCommandInput }) => {
      requests.push(command.input);
      const ask = command.input.RequestItems![TABLE];
      const ids = ask.Keys!.map((k) => k.customerId.S!);
      const skip = new Set(unprocessed(requests.length));
      const output: Partial<BatchGetItemCommandOutput> = {
        Responses: { [TABLE]: ids.filter((id) => !skip.has(id) && ITEMS[id]).map((id) => ITEMS[id]) },
        UnprocessedKeys: skip.size ? { [TABLE]: { ...ask, Keys: ids.filter((id) => skip.has(id)).map((id) => ({ customerId: { S: id } })) } } : {},
      };
      return output;
    }) as BatchGetClient['send'],
  };
  return { client, requests };
}

const noPause = async () => {};

describe('EnrichOrder', () => {
  test('enriches every order with its customer, in the order the pipe sent them', async () => {
    const { client } = fakeDynamo();
    const handler = createHandler(dynamoLookup(client, TABLE, noPause));
    const result = await handler([
      sqsRecord(PRIORITY_ORDER, 'm1'),
      sqsRecord({ ...PRIORITY_ORDER, orderId: 'ord-1002', customerId: 'cust-7', total: 12 }, 'm2'),
    ]);
    assert.deepEqual(result, [
      { messageId: 'm1', order: PRIORITY_ORDER, customer: { found: true, name: 'Ada Lovelace', tier: 'gold', country: 'GB' } },
      {
        messageId: 'm2',
        order: { ...PRIORITY_ORDER, orderId: 'ord-1002', customerId: 'cust-7', total: 12 },
        customer: { found: true, name: 'Grace Hopper', tier: 'silver', country: 'US' },
      },
    ]);
  });

  test('reads each distinct customer once, in one call, projecting only name, tier and country', async () => {
    const { client, requests } = fakeDynamo();
    const handler = createHandler(dynamoLookup(client, TABLE, noPause));
    await handler([sqsRecord(PRIORITY_ORDER, 'm1'), sqsRecord({ ...PRIORITY_ORDER, orderId: 'ord-2' }, 'm2'), sqsRecord({ ...PRIORITY_ORDER, customerId: 'cust-7' }, 'm3')]);
    assert.equal(requests.length, 1);
    assert.deepEqual(requests[0].RequestItems, {
      [TABLE]: {
        Keys: [{ customerId: { S: 'cust-42' } }, { customerId: { S: 'cust-7' } }],
        ProjectionExpression: 'customerId, #name, tier, country',
        ExpressionAttributeNames: { '#name': 'name' },
      },
    });
  });

  test('passes an order from an unknown customer on, marked unknown, instead of dropping it', async () => {
    const { client } = fakeDynamo();
    const handler = createHandler(dynamoLookup(client, TABLE, noPause));
    const [only] = await handler([sqsRecord({ ...PRIORITY_ORDER, customerId: 'cust-404' }, 'm1')]);
    assert.deepEqual(only.customer, { found: false, name: '', tier: 'unknown', country: '' });
    assert.equal(only.order.orderId, 'ord-1001');
  });

  test('asks again for keys DynamoDB left unprocessed', async () => {
    const { client, requests } = fakeDynamo((call) => (call === 1 ? ['cust-7'] : []));
    const handler = createHandler(dynamoLookup(client, TABLE, noPause));
    const result = await handler([sqsRecord(PRIORITY_ORDER, 'm1'), sqsRecord({ ...PRIORITY_ORDER, customerId: 'cust-7' }, 'm2')]);
    assert.equal(requests.length, 2);
    assert.deepEqual(requests[1].RequestItems![TABLE].Keys, [{ customerId: { S: 'cust-7' } }]);
    assert.deepEqual(result.map((r) => r.customer.name), ['Ada Lovelace', 'Grace Hopper']);
  });

  test('fails the whole batch when keys stay unprocessed after 3 attempts, or DynamoDB errors', async () => {
    assert.equal(MAX_ATTEMPTS, 3);
    const stuck = fakeDynamo(() => ['cust-42']);
    await assert.rejects(createHandler(dynamoLookup(stuck.client, TABLE, noPause))([sqsRecord(PRIORITY_ORDER)]), /unprocessed after 3 attempts/);
    assert.equal(stuck.requests.length, MAX_ATTEMPTS);

    const failing: BatchGetClient = { send: (async () => { throw new Error('ProvisionedThroughputExceededException'); }) as BatchGetClient['send'] };
    await assert.rejects(createHandler(dynamoLookup(failing, TABLE, noPause))([sqsRecord(PRIORITY_ORDER)]), /ProvisionedThroughputExceeded/);
  });

  test('fails the whole batch on a malformed order, naming its message, before reading anything', async () => {
    const { client, requests } = fakeDynamo();
    const handler = createHandler(dynamoLookup(client, TABLE, noPause));
    await assert.rejects(handler([sqsRecord(PRIORITY_ORDER, 'good'), sqsRecord('not json', 'bad')]), (e: Error) => e instanceof MalformedOrder && /message bad: body is not JSON/.test(e.message));
    await assert.rejects(handler([sqsRecord({ ...PRIORITY_ORDER, total: '12' }, 'm9')]), /message m9: total is not a number/);
    await assert.rejects(handler([sqsRecord({ orderId: 'o', total: 1 }, 'm8')]), /message m8: customerId is missing/);
    assert.equal(requests.length, 0);
  });

  test('returns an empty array for an empty batch without calling DynamoDB', async () => {
    const { client, requests } = fakeDynamo();
    assert.deepEqual(await createHandler(dynamoLookup(client, TABLE, noPause))([]), []);
    assert.equal(requests.length, 0);
  });
});
