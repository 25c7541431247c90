import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

process.env.AWS_REGION ??= 'us-east-1';

import { createHandler as createCustomerHandler } from '../lambda/create-customer';
import { createHandler as deleteCustomerHandler } from '../lambda/delete-customer';
import { createHandler as getCustomerHandler } from '../lambda/get-customer';
import { createHandler as placeOrderHandler } from '../lambda/place-order';
import { ROUTES, createMonolith, route } from '../lambda/shop-monolith';
import type { Documents } from '../lambda/shop';

const ID = '0b6f4c1e-9a2d-4e55-8c1f-3d2a7b9e6f10';
const tables = { customers: 'Customers', orders: 'Orders' };

function event(routeKey: string, rawPath: string, extra: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  const [method] = routeKey === 'ANY /{proxy+}' ? [extra.requestContext?.http.method ?? 'GET'] : routeKey.split(' ');
  return { routeKey, rawPath, requestContext: { http: { method } }, ...extra } as unknown as APIGatewayProxyEventV2;
}

function recorder(reply: unknown = {}) {
  const commands: string[] = [];
  const documents: Documents = {
    send: async (command) => {
      commands.push(command.constructor.name);
      return reply;
    },
  };
  return { documents, commands };
}

function quiet<T>(run: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = () => {};
  return run().finally(() => {
    console.error = original;
  });
}

describe('the monolith (before)', () => {
  const proxied = (method: string, rawPath: string, body?: unknown) =>
    event('ANY /{proxy+}', rawPath, { requestContext: { http: { method } } as never, body: body === undefined ? undefined : JSON.stringify(body) });

  test('routes every operation of the shop through one switch in its own code', async () => {
    assert.deepEqual(ROUTES.map((r) => r.method), ['POST', 'GET', 'DELETE', 'POST']);
    assert.equal(route('GET', `/customers/${ID}/`)?.params[0], ID);
    assert.equal(route('DELETE', `/customers/${ID}`)?.route, ROUTES[2]);
    assert.equal(route('POST', `/customers/${ID}/orders`)?.route, ROUTES[3]);
    assert.equal(route('PATCH', `/customers/${ID}`), undefined);

    const { documents, commands } = recorder({ Item: { customerId: ID } });
    const handler = createMonolith(documents, tables);
    assert.equal((await handler(proxied('POST', '/customers', { name: 'Ada', email: 'ada@example.com' }))).statusCode, 201);
    assert.equal((await handler(proxied('GET', `/customers/${ID}`))).statusCode, 200);
    assert.equal((await handler(proxied('POST', `/customers/${ID}/orders`, { lines: [{ sku: 'TEA', quantity: 1 }] }))).statusCode, 201);
    assert.equal((await handler(proxied('DELETE', `/customers/${ID}`))).statusCode, 204);
    // One function, one client, every kind of write and read the API has.
    assert.deepEqual(commands, ['PutCommand', 'GetCommand', 'TransactWriteCommand', 'DeleteCommand']);
  });

  test('answers 404 itself for a route API Gateway would have refused', async () => {
    const { documents, commands } = recorder();
    const handler = createMonolith(documents, tables);
    const response = await handler(proxied('GET', '/admin/export'));
    assert.equal(response.statusCode, 404);
    assert.deepEqual(commands, []);
  });
});

describe('the single-purpose functions (after)', () => {
  test('each one runs only its own operation, whatever path it is handed', async () => {
    const cases = [
      { make: (d: Documents) => createCustomerHandler(d, 'Customers'), ev: event('POST /customers', '/customers', { body: JSON.stringify({ name: 'Ada', email: 'ada@example.com' }) }), command: 'PutCommand', status: 201 },
      { make: (d: Documents) => getCustomerHandler(d, 'Customers'), ev: event('GET /customers/{customerId}', '/anything', { pathParameters: { customerId: ID } }), command: 'GetCommand', status: 200 },
      { make: (d: Documents) => deleteCustomerHandler(d, 'Customers'), ev: event('DELETE /customers/{customerId}', '/anything', { pathParameters: { customerId: ID } }), command: 'DeleteCommand', status: 204 },
      {
        make: (d: Documents) => placeOrderHandler(d, tables),
        ev: event('POST /customers/{customerId}/orders', '/anything', { pathParameters: { customerId: ID }, body: JSON.stringify({ lines: [{ sku: 'TEA', quantity: 1 }] }) }),
        command: 'TransactWriteCommand',
        status: 201,
      },
    ];
    for (const c of cases) {
      const { documents, commands } = recorder({ Item: { customerId: ID } });
      const response = await c.make(documents)(c.ev);
      assert.equal(response.statusCode, c.status, c.ev.routeKey);
      assert.deepEqual(commands, [c.command], c.ev.routeKey);
    }
  });

  test('turn a bad body into a 400 without touching the table', async () => {
    const { documents, commands } = recorder();
    const create = createCustomerHandler(documents, 'Customers');
    assert.equal((await create(event('POST /customers', '/customers', { body: '{not json' }))).statusCode, 400);
    assert.equal((await create(event('POST /customers', '/customers'))).statusCode, 400);
    const encoded = Buffer.from(JSON.stringify({ name: 'Ada', email: 'bad' })).toString('base64');
    const response = await create(event('POST /customers', '/customers', { body: encoded, isBase64Encoded: true }));
    assert.equal(response.statusCode, 400);
    assert.match(String(response.body), /email/);
    assert.deepEqual(commands, []);
  });

  test('answer 500 without leaking the cause when DynamoDB fails', async () => {
    const documents: Documents = {
      send: async () => {
        throw new Error('AccessDeniedException: arn:aws:dynamodb:us-east-1:123456789012:table/Customers-secret');
      },
    };
    const response = await quiet(() => getCustomerHandler(documents, 'Customers')(event('GET /customers/{customerId}', '/x', { pathParameters: { customerId: ID } })));
    assert.equal(response.statusCode, 500);
    assert.doesNotMatch(String(response.body), /secret|arn:|AccessDenied/);
  });
});
