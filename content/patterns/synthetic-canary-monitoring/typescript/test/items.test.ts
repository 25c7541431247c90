import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Item, type ItemStore, MAX_NAME_LENGTH, SYNTHETIC_HEADER, SYNTHETIC_ITEM_TTL_SECONDS, createHandler, dynamoStore } from '../lambda/items';

process.env.AWS_REGION ??= 'us-east-1';

const ID = '3f1c2b9e-8d4a-4e21-9a0b-5c6d7e8f9a01';
const NOW = new Date('2026-12-05T10:00:00.000Z');

function request(routeKey: string, init: { body?: string; id?: string; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  return {
    routeKey,
    body: init.body,
    isBase64Encoded: false,
    headers: init.headers ?? {},
    pathParameters: init.id === undefined ? undefined : { id: init.id },
  } as unknown as APIGatewayProxyEventV2;
}

/** An in-memory store that records what the handler asked of it. */
function memoryStore() {
  const items = new Map<string, { item: Item; expiresAt?: number }>();
  const calls: string[] = [];
  const store: ItemStore = {
    async put(item, expiresAt) {
      calls.push(`put ${item.id}`);
      items.set(item.id, { item, expiresAt });
    },
    async get(id) {
      calls.push(`get ${id}`);
      return items.get(id)?.item;
    },
    async delete(id) {
      calls.push(`delete ${id}`);
      items.delete(id);
    },
  };
  return { store, items, calls };
}

describe('items handler', () => {
  test('creates an item, reads it back and deletes it', async () => {
    const { store, items } = memoryStore();
    const handler = createHandler(store, () => NOW);
    const created = await handler(request('POST /items', { body: JSON.stringify({ name: 'first' }) }));
    assert.equal(created.statusCode, 201);
    const item = JSON.parse(String(created.body)) as Item;
    assert.match(item.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ name: item.name, createdAt: item.createdAt }, { name: 'first', createdAt: NOW.toISOString() });
    assert.equal(created.headers?.location, `/items/${item.id}`);

    const read = await handler(request('GET /items/{id}', { id: item.id }));
    assert.equal(read.statusCode, 200);
    assert.deepEqual(JSON.parse(String(read.body)), item);

    assert.equal((await handler(request('DELETE /items/{id}', { id: item.id }))).statusCode, 204);
    assert.equal(items.size, 0);
    assert.equal((await handler(request('GET /items/{id}', { id: item.id }))).statusCode, 404);
    // A second DELETE of the same id is not an error.
    assert.equal((await handler(request('DELETE /items/{id}', { id: item.id }))).statusCode, 204);
  });

  test('gives items from the canary a one-hour expiry and other items none', async () => {
    const { store, items } = memoryStore();
    const handler = createHandler(store, () => NOW);
    const canary = JSON.parse(String((await handler(request('POST /items', { body: '{"name":"probe"}', headers: { [SYNTHETIC_HEADER]: 'api-journey-1' } }))).body)) as Item;
    const customer = JSON.parse(String((await handler(request('POST /items', { body: '{"name":"real"}' }))).body)) as Item;
    assert.equal(SYNTHETIC_ITEM_TTL_SECONDS, 3600);
    assert.equal(items.get(canary.id)?.expiresAt, NOW.getTime() / 1000 + 3600);
    assert.equal(items.get(customer.id)?.expiresAt, undefined);
  });

  test('refuses a create without a usable name, without touching the table', async () => {
    const { store, calls } = memoryStore();
    const handler = createHandler(store);
    for (const body of [undefined, 'not json', '{}', '{"name":""}', '{"name":42}', JSON.stringify({ name: 'x'.repeat(MAX_NAME_LENGTH + 1) })]) {
      assert.equal((await handler(request('POST /items', { body }))).statusCode, 400, `body ${body}`);
    }
    assert.equal((await handler(request('POST /items', { body: JSON.stringify({ name: 'x'.repeat(MAX_NAME_LENGTH) }) }))).statusCode, 201);
    assert.equal(calls.length, 1);
  });

  test('answers 404 for an id that is not a UUID, without touching the table', async () => {
    const { store, calls } = memoryStore();
    const handler = createHandler(store);
    assert.equal((await handler(request('GET /items/{id}', { id: 'not-a-uuid' }))).statusCode, 404);
    assert.equal((await handler(request('DELETE /items/{id}', { id: '../../etc' }))).statusCode, 404);
    assert.deepEqual(calls, []);
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    const original = console.error;
    const logged: string[] = [];
    console.error = (line: string) => logged.push(line);
    try {
      const failing: ItemStore = {
        put: async () => { throw new Error('ProvisionedThroughputExceededException: secret-table-name'); },
        get: async () => { throw new Error('secret-table-name'); },
        delete: async () => { throw new Error('secret-table-name'); },
      };
      const handler = createHandler(failing);
      for (const event of [request('POST /items', { body: '{"name":"a"}' }), request('GET /items/{id}', { id: ID }), request('DELETE /items/{id}', { id: ID })]) {
        const response = await handler(event);
        assert.equal(response.statusCode, 500);
        assert.doesNotMatch(String(response.body), /secret-table-name/);
      }
      assert.equal(logged.length, 3);
      assert.match(logged[0], /secret-table-name/);
    } finally {
      console.error = original;
    }
  });
});

describe('dynamoStore', () => {
  test('puts with a no-overwrite condition, reads consistently and deletes by key', async () => {
    const sent: unknown[] = [];
    const client = {
      send: async (command: PutItemCommand | GetItemCommand | DeleteItemCommand) => {
        sent.push(command.input);
        return 'Key' in command.input && !('ConditionExpression' in command.input) && sent.length === 2
          ? { Item: { id: { S: ID }, name: { S: 'n' }, createdAt: { S: NOW.toISOString() } } }
          : {};
      },
    } as unknown as DynamoDBClient;
    const store = dynamoStore(client, 'Items');
    await store.put({ id: ID, name: 'n', createdAt: NOW.toISOString() }, 1_800_000_000);
    assert.deepEqual(await store.get(ID), { id: ID, name: 'n', createdAt: NOW.toISOString() });
    await store.delete(ID);
    assert.deepEqual(sent, [
      {
        TableName: 'Items',
        Item: { id: { S: ID }, name: { S: 'n' }, createdAt: { S: NOW.toISOString() }, expiresAt: { N: '1800000000' } },
        ConditionExpression: 'attribute_not_exists(id)',
      },
      { TableName: 'Items', Key: { id: { S: ID } }, ConsistentRead: true },
      { TableName: 'Items', Key: { id: { S: ID } } },
    ]);
  });
});
