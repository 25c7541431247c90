import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Order, type OrdersStore, callerFrom, createHandler, dynamoStore } from '../lambda/orders';
import { OTHER_SUB, SERVICE_ARN, USER_SUB, accessTokenClaims, apiEvent } from './events';

process.env.AWS_REGION ??= 'us-east-1';

const NOW = new Date('2026-12-05T16:31:02.000Z');
const ORDER_ID = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';

function fakeStore(existing: Order[] = []) {
  const listed: string[] = [];
  const put: Order[] = [];
  const store: OrdersStore = {
    async list(owner) {
      listed.push(owner);
      return existing.filter((o) => o.owner === owner);
    },
    async put(order) {
      put.push(order);
    },
  };
  return { store, listed, put, handler: createHandler(store, () => NOW, () => ORDER_ID) };
}

const body = (r: { body: string }) => JSON.parse(r.body);

describe('callerFrom', () => {
  test('reads the user from the Cognito access-token claims', () => {
    const event = apiEvent({ method: 'GET', resource: '/orders', claims: accessTokenClaims('openid email orders/read orders/write') });
    assert.deepEqual(callerFrom(event), {
      kind: 'user',
      sub: USER_SUB,
      username: USER_SUB,
      clientId: '5mq7example0client0id0a1b2c',
      scopes: ['openid', 'email', 'orders/read', 'orders/write'],
    });
  });

  test('reads the service from the SigV4 caller ARN', () => {
    const event = apiEvent({ method: 'GET', resource: '/internal/orders/{owner}', owner: USER_SUB, service: true });
    assert.deepEqual(callerFrom(event), { kind: 'service', arn: SERVICE_ARN, accountId: '123456789012' });
  });

  test('finds no caller in an unauthorized event or one carrying ID-token claims', () => {
    assert.equal(callerFrom(apiEvent({ method: 'GET', resource: '/orders' })), undefined);
    const idToken = accessTokenClaims('', { token_use: 'id' });
    assert.equal(callerFrom(apiEvent({ method: 'GET', resource: '/orders', claims: idToken })), undefined);
  });
});

describe('orders handler', () => {
  test('refuses a call that carries no verified identity without touching the table', async () => {
    const { handler, listed, put } = fakeStore();
    const response = await handler(apiEvent({ method: 'GET', resource: '/orders' }));
    assert.equal(response.statusCode, 401);
    assert.deepEqual(body(response), { message: 'No verified caller identity on this request.' });
    assert.deepEqual([listed, put], [[], []]);
  });

  test("lists only the signed-in user's own orders and says who called", async () => {
    const mine: Order = { owner: USER_SUB, orderId: 'a', item: 'tea', quantity: 2, createdAt: NOW.toISOString(), createdBy: `user:${USER_SUB}` };
    const theirs: Order = { ...mine, owner: OTHER_SUB, orderId: 'b' };
    const { handler, listed } = fakeStore([mine, theirs]);
    const response = await handler(apiEvent({ method: 'GET', resource: '/orders', claims: accessTokenClaims('openid orders/read') }));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(listed, [USER_SUB]);
    assert.deepEqual(body(response), {
      caller: { type: 'user', sub: USER_SUB, username: USER_SUB, clientId: '5mq7example0client0id0a1b2c', scopes: ['openid', 'orders/read'] },
      owner: USER_SUB,
      orders: [mine],
    });
  });

  test('places an order owned by the user and stamped with who created it', async () => {
    const { handler, put } = fakeStore();
    const response = await handler(
      apiEvent({ method: 'POST', resource: '/orders', claims: accessTokenClaims('orders/write'), body: '{"item":" green tea ","quantity":3}' }),
    );
    assert.equal(response.statusCode, 201);
    const expected = { owner: USER_SUB, orderId: ORDER_ID, item: 'green tea', quantity: 3, createdAt: NOW.toISOString(), createdBy: `user:${USER_SUB}` };
    assert.deepEqual(put, [expected]);
    assert.deepEqual(body(response).order, expected);
  });

  test('refuses a user token without the scope the method needs', async () => {
    const { handler, listed, put } = fakeStore();
    const write = await handler(apiEvent({ method: 'POST', resource: '/orders', claims: accessTokenClaims('openid orders/read'), body: '{"item":"tea","quantity":1}' }));
    assert.equal(write.statusCode, 403);
    assert.deepEqual(body(write), { message: 'The access token lacks the orders/write scope.' });
    const read = await handler(apiEvent({ method: 'GET', resource: '/orders', claims: accessTokenClaims('orders/write') }));
    assert.equal(read.statusCode, 403);
    assert.deepEqual([listed, put], [[], []]);
  });

  test('refuses a service on a people route and a user on a service route', async () => {
    const { handler, listed, put } = fakeStore();
    const serviceOnPeople = await handler(apiEvent({ method: 'GET', resource: '/orders', service: true }));
    const userOnService = await handler(
      apiEvent({ method: 'GET', resource: '/internal/orders/{owner}', owner: USER_SUB, claims: accessTokenClaims('orders/read') }),
    );
    assert.deepEqual([serviceOnPeople.statusCode, userOnService.statusCode], [403, 403]);
    assert.deepEqual([listed, put], [[], []]);
  });

  test("lets a service read and place orders for the owner in the path, recording the service's ARN", async () => {
    const { handler, listed, put } = fakeStore();
    const list = await handler(apiEvent({ method: 'GET', resource: '/internal/orders/{owner}', owner: OTHER_SUB, service: true }));
    assert.equal(list.statusCode, 200);
    assert.deepEqual(listed, [OTHER_SUB]);
    assert.deepEqual(body(list).caller, { type: 'service', arn: SERVICE_ARN, accountId: '123456789012' });
    const place = await handler(
      apiEvent({ method: 'POST', resource: '/internal/orders/{owner}', owner: OTHER_SUB, service: true, body: '{"item":"refill","quantity":1}' }),
    );
    assert.equal(place.statusCode, 201);
    assert.deepEqual(put.map((o) => [o.owner, o.createdBy]), [[OTHER_SUB, SERVICE_ARN]]);
  });

  test('rejects a malformed owner or order body with 400 without touching the table', async () => {
    const { handler, listed, put } = fakeStore();
    const badOwner = await handler(apiEvent({ method: 'GET', resource: '/internal/orders/{owner}', owner: 'alice', service: true }));
    const claims = accessTokenClaims('orders/write');
    const bodies = ['not json', '{"item":"tea"}', '{"item":"tea","quantity":0}', '{"item":"tea","quantity":1.5}', '{"item":"","quantity":1}', '{"item":"tea","quantity":1,"owner":"x"}'];
    const statuses = [badOwner.statusCode];
    for (const b of bodies) statuses.push((await handler(apiEvent({ method: 'POST', resource: '/orders', claims, body: b }))).statusCode);
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 400, 400]);
    assert.deepEqual([listed, put], [[], []]);
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const handler = createHandler({
        async list() {
          throw new Error('AccessDeniedException: secret-table-name');
        },
        async put() {
          throw new Error('unused');
        },
      });
      const response = await handler(apiEvent({ method: 'GET', resource: '/orders', claims: accessTokenClaims('orders/read') }));
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(response.body, /secret-table-name/);
    } finally {
      console.error = original;
    }
  });
});

describe('dynamoStore', () => {
  test("queries one owner's partition and puts new orders without overwriting", async () => {
    const sent: { name: string; input: unknown }[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: unknown }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        return { Items: [{ owner: { S: USER_SUB }, orderId: { S: 'a' }, item: { S: 'tea' }, quantity: { N: '2' }, createdAt: { S: 't' }, createdBy: { S: 'u' } }] };
      },
    } as unknown as DynamoDBClient;
    const store = dynamoStore(client, 'Orders');
    assert.deepEqual(await store.list(USER_SUB), [{ owner: USER_SUB, orderId: 'a', item: 'tea', quantity: 2, createdAt: 't', createdBy: 'u' }]);
    await store.put({ owner: USER_SUB, orderId: 'b', item: 'tea', quantity: 1, createdAt: 't', createdBy: 'u' });
    assert.deepEqual(sent, [
      {
        name: 'QueryCommand',
        input: {
          TableName: 'Orders',
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: USER_SUB } },
          Limit: 50,
        },
      },
      {
        name: 'PutItemCommand',
        input: {
          TableName: 'Orders',
          Item: { owner: { S: USER_SUB }, orderId: { S: 'b' }, item: { S: 'tea' }, quantity: { N: '1' }, createdAt: { S: 't' }, createdBy: { S: 'u' } },
          ConditionExpression: 'attribute_not_exists(orderId)',
        },
      },
    ]);
  });
});
