import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppSyncError, loadResolver } from './appsync-runtime';

const conditionFailed = { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' };

describe('getCustomer resolver', () => {
  const { request, response } = loadResolver('get-customer');

  test('reads the item by its id', () => {
    assert.deepEqual(request({ args: { id: 'c-1' } }), { operation: 'GetItem', key: { id: { S: 'c-1' } } });
  });

  test('passes a missing customer on as null and raises DynamoDB errors', () => {
    assert.equal(response({ args: { id: 'c-1' }, result: null }), null);
    assert.throws(() => response({ error: { message: 'throttled', type: 'DynamoDB:ThrottlingException' } }), {
      type: 'DynamoDB:ThrottlingException',
    });
  });
});

describe('listCustomers resolver', () => {
  const { request, response } = loadResolver('list-customers');

  test('scans a default page of 20 and forwards the page token', () => {
    assert.deepEqual(request({ args: {} }), { operation: 'Scan', limit: 20 });
    assert.deepEqual(request({ args: { limit: 5, nextToken: 'abc' } }), { operation: 'Scan', limit: 5, nextToken: 'abc' });
  });

  test('refuses pages smaller than 1 or larger than 50', () => {
    assert.throws(() => request({ args: { limit: 0 } }), { type: 'ValidationError' });
    assert.throws(() => request({ args: { limit: 51 } }), { type: 'ValidationError' });
    assert.equal(request({ args: { limit: 50 } }).limit, 50);
  });

  test('returns the items and a null token on the last page', () => {
    const items = [{ id: 'c-1' }];
    assert.deepEqual(response({ result: { items } }), { items, nextToken: null });
    assert.deepEqual(response({ result: { items, nextToken: 'n' } }), { items, nextToken: 'n' });
  });
});

describe('addCustomer resolver', () => {
  const { request } = loadResolver('add-customer');

  test('puts a new customer with a generated id, zero totals and a timestamp, never overwriting', () => {
    const put = request({ args: { input: { name: '  Ada Lovelace ', email: 'Ada@Example.com' } } });
    assert.deepEqual(put, {
      operation: 'PutItem',
      key: { id: { S: '0b8c7a6e-1111-4222-8333-944455556666' } },
      attributeValues: {
        name: { S: 'Ada Lovelace' },
        email: { S: 'ada@example.com' },
        lifetimeSpend: { N: '0' },
        orderCount: { N: '0' },
        createdAt: { S: '2026-11-22T09:30:00.000Z' },
      },
      condition: { expression: 'attribute_not_exists(id)' },
    });
  });

  test('rejects a blank or overlong name before DynamoDB is called', () => {
    assert.throws(() => request({ args: { input: { name: '   ', email: 'a@b.co' } } }), AppSyncError);
    assert.throws(() => request({ args: { input: { name: 'x'.repeat(101), email: 'a@b.co' } } }), {
      type: 'ValidationError',
    });
  });
});

describe('recordPurchase resolver', () => {
  const { request, response } = loadResolver('record-purchase');

  test('adds the amount (rounded to cents) and one order atomically, only to an existing customer', () => {
    assert.deepEqual(request({ args: { id: 'c-1', amount: 19.999 } }), {
      operation: 'UpdateItem',
      key: { id: { S: 'c-1' } },
      update: {
        expression: 'ADD lifetimeSpend :amount, orderCount :one',
        expressionValues: { ':amount': { N: '20' }, ':one': { N: '1' } },
      },
      condition: { expression: 'attribute_exists(id)' },
    });
  });

  test('refuses zero, negative and absurd amounts', () => {
    for (const amount of [0, -5, 100000.01]) {
      assert.throws(() => request({ args: { id: 'c-1', amount } }), { type: 'ValidationError' });
    }
  });

  test('reports an unknown id as NotFound instead of a raw DynamoDB error', () => {
    assert.throws(() => response({ args: { id: 'nope' }, error: conditionFailed }), {
      type: 'NotFound',
      message: 'No customer with id nope',
    });
  });
});

describe('removeCustomer resolver', () => {
  const { request, response } = loadResolver('remove-customer');

  test('deletes by id and returns the old item', () => {
    assert.deepEqual(request({ args: { id: 'c-9' } }), { operation: 'DeleteItem', key: { id: { S: 'c-9' } } });
    assert.deepEqual(response({ result: { id: 'c-9' } }), { id: 'c-9' });
  });
});

describe('Customer.loyalty resolver', () => {
  const { request, response } = loadResolver('customer-loyalty');

  test('batches the call and sends only the fields the calculation needs', () => {
    const source = { id: 'c-1', name: 'Ada', email: 'ada@example.com', lifetimeSpend: 620, orderCount: 4 };
    assert.deepEqual(request({ source }), {
      operation: 'BatchInvoke',
      payload: { customerId: 'c-1', lifetimeSpend: 620, orderCount: 4 },
    });
  });

  test('unwraps the batch item, or raises the error the function reported for it', () => {
    const data = { tier: 'SILVER', points: 775 };
    assert.deepEqual(response({ result: { data, errorMessage: null, errorType: null } }), data);
    assert.throws(() => response({ result: { data: null, errorMessage: 'bad totals', errorType: 'InvalidCustomer' } }), {
      type: 'InvalidCustomer',
    });
    assert.equal(response({ result: null }), null);
  });
});
