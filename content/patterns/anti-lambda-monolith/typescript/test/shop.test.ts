import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequest, type Documents, MAX_ORDER_LINES, createCustomer, deleteCustomer, getCustomer, parseCustomer, parseOrder, placeOrder } from '../lambda/shop';

const ID = '0b6f4c1e-9a2d-4e55-8c1f-3d2a7b9e6f10';
const ORDER_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const fixedNow = () => new Date('2026-12-05T10:00:00.000Z');

/** A document client that records each command's input and answers with `reply`. */
function recorder(reply: (input: Record<string, unknown>) => unknown = () => ({})) {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const documents: Documents = {
    send: async (command) => {
      const input = command.input as Record<string, unknown>;
      sent.push({ command: command.constructor.name, input });
      return reply(input);
    },
  };
  return { documents, sent };
}

describe('shop operations', () => {
  test('creates a customer with a new id, never overwriting one', async () => {
    const { documents, sent } = recorder();
    const reply = await createCustomer(documents, 'Customers', { name: ' Ada ', email: 'Ada@Example.com' }, () => ID, fixedNow);
    assert.equal(reply.statusCode, 201);
    assert.deepEqual(reply.body, { customerId: ID, name: 'Ada', email: 'ada@example.com', createdAt: '2026-12-05T10:00:00.000Z' });
    assert.deepEqual(sent, [
      { command: 'PutCommand', input: { TableName: 'Customers', Item: reply.body, ConditionExpression: 'attribute_not_exists(customerId)' } },
    ]);
  });

  test('refuses a customer without a name or with a bad e-mail', () => {
    assert.throws(() => parseCustomer({ email: 'a@b.co' }), BadRequest);
    assert.throws(() => parseCustomer({ name: 'Ada', email: 'not-an-address' }), BadRequest);
    assert.throws(() => parseCustomer(['Ada']), BadRequest);
    assert.throws(() => parseCustomer({ name: 'x'.repeat(101), email: 'a@b.co' }), BadRequest);
  });

  test('answers 404 for an unknown customer and never looks up an id it did not issue', async () => {
    const { documents, sent } = recorder(() => ({}));
    assert.equal((await getCustomer(documents, 'Customers', ID)).statusCode, 404);
    assert.equal((await getCustomer(documents, 'Customers', '../../etc')).statusCode, 404);
    assert.equal((await deleteCustomer(documents, 'Customers', 'nope')).statusCode, 404);
    assert.deepEqual(sent, [{ command: 'GetCommand', input: { TableName: 'Customers', Key: { customerId: ID } } }]);
  });

  test('reads and deletes one customer by key', async () => {
    const item = { customerId: ID, name: 'Ada' };
    const { documents, sent } = recorder((input) => ('Key' in input && !('ConditionExpression' in input) ? { Item: item } : {}));
    assert.deepEqual(await getCustomer(documents, 'Customers', ID), { statusCode: 200, body: item });
    assert.deepEqual(await deleteCustomer(documents, 'Customers', ID), { statusCode: 204 });
    assert.deepEqual(sent.map((s) => s.command), ['GetCommand', 'DeleteCommand']);
  });

  test('places an order in one transaction that requires the customer to exist', async () => {
    const { documents, sent } = recorder();
    const reply = await placeOrder(documents, { customers: 'Customers', orders: 'Orders' }, ID, { lines: [{ sku: 'TEA-1', quantity: 2 }] }, () => ORDER_ID, fixedNow);
    assert.equal(reply.statusCode, 201);
    const order = { orderId: ORDER_ID, customerId: ID, lines: [{ sku: 'TEA-1', quantity: 2 }], createdAt: '2026-12-05T10:00:00.000Z' };
    assert.deepEqual(reply.body, order);
    assert.deepEqual(sent, [
      {
        command: 'TransactWriteCommand',
        input: {
          TransactItems: [
            { ConditionCheck: { TableName: 'Customers', Key: { customerId: ID }, ConditionExpression: 'attribute_exists(customerId)' } },
            { Put: { TableName: 'Orders', Item: order, ConditionExpression: 'attribute_not_exists(orderId)' } },
          ],
        },
      },
    ]);
  });

  test('answers 404 when the customer is gone by the time the order is written', async () => {
    const cancelled = Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
    const { documents } = recorder(() => {
      throw cancelled;
    });
    const reply = await placeOrder(documents, { customers: 'Customers', orders: 'Orders' }, ID, { lines: [{ sku: 'TEA-1', quantity: 1 }] });
    assert.deepEqual(reply, { statusCode: 404, body: { message: 'No such customer.' } });
  });

  test('refuses empty, oversized and malformed orders before writing anything', () => {
    assert.throws(() => parseOrder({ lines: [] }), BadRequest);
    assert.throws(() => parseOrder({ lines: Array.from({ length: MAX_ORDER_LINES + 1 }, () => ({ sku: 'A', quantity: 1 })) }), BadRequest);
    assert.throws(() => parseOrder({ lines: [{ sku: 'tea', quantity: 1 }] }), BadRequest);
    assert.throws(() => parseOrder({ lines: [{ sku: 'TEA', quantity: 0 }] }), BadRequest);
    assert.throws(() => parseOrder({ lines: [{ sku: 'TEA', quantity: 1.5 }] }), BadRequest);
    assert.deepEqual(parseOrder({ lines: [{ sku: 'TEA', quantity: 100 }] }), [{ sku: 'TEA', quantity: 100 }]);
  });
});
