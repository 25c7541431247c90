import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CLIENT_CONFIG, HEALTH_KEY, type Item, MAX_VALUE_LENGTH, RETENTION_SECONDS, type Store, createHandler, dynamoStore } from '../lambda/service';

process.env.AWS_REGION ??= 'us-east-1';

const NOW = new Date('2026-12-05T10:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;

function request(routeKey: string, id?: string, body?: string, isBase64Encoded = false): APIGatewayProxyEventV2 {
  return { routeKey, pathParameters: id === undefined ? undefined : { id }, body, isBase64Encoded } as unknown as APIGatewayProxyEventV2;
}

/** An in-memory replica that records every call, and can be told to fail. */
function fakeStore(options: { fail?: boolean; items?: Record<string, Item & { expiresAt: number }> } = {}) {
  const calls: string[] = [];
  const items = { ...options.items };
  const store: Store = {
    async probe() {
      calls.push('probe');
      if (options.fail) throw new Error('ResourceNotFoundException: Requested resource not found: Table: secret-table');
    },
    async get(id) {
      calls.push(`get ${id}`);
      if (options.fail) throw new Error('InternalServerError: secret-table');
      return items[id];
    },
    async put(item, expiresAt) {
      calls.push(`put ${item.id}`);
      if (options.fail) throw new Error('InternalServerError: secret-table');
      items[item.id] = { ...item, expiresAt };
    },
  };
  return { store, calls, items };
}

const quietly = async <T>(fn: () => Promise<T>): Promise<T> => {
  const original = console.error;
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.error = original;
  }
};

describe('GET /health', () => {
  test('answers 200 with the Region when a read of the local replica succeeds', async () => {
    const { store, calls } = fakeStore();
    const lines: unknown[] = [];
    const [log, error] = [console.log, console.error];
    console.log = console.error = (line: unknown) => lines.push(line);
    let response;
    try {
      response = await createHandler(store, 'us-west-2', () => NOW)(request('GET /health'));
    } finally {
      [console.log, console.error] = [log, error];
    }
    // About 1.3 million probes a month: a healthy one writes no log line.
    assert.deepEqual(lines, []);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(String(response.body)), { status: 'ok', region: 'us-west-2' });
    assert.equal(response.headers?.['cache-control'], 'no-store');
    assert.deepEqual(calls, ['probe']);
  });

  test('answers 503 without the cause when the local replica cannot be read', async () => {
    const { store } = fakeStore({ fail: true });
    const response = await quietly(() => createHandler(store, 'us-east-1', () => NOW)(request('GET /health')));
    assert.equal(response.statusCode, 503);
    assert.deepEqual(JSON.parse(String(response.body)), { status: 'unavailable', region: 'us-east-1' });
    assert.doesNotMatch(String(response.body), /secret-table/);
  });

  test('gives up on DynamoDB after two attempts of one second each', () => {
    assert.deepEqual(CLIENT_CONFIG, { maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 1000 } });
  });
});

describe('items', () => {
  test('stores a value with the time, the Region that took the write and an expiry a week later', async () => {
    const { store, items } = fakeStore();
    const response = await createHandler(store, 'us-east-1', () => NOW)(request('PUT /items/{id}', 'order-42', JSON.stringify({ value: 'shipped' })));
    assert.equal(response.statusCode, 200);
    const expected = { id: 'order-42', value: 'shipped', updatedAt: '2026-12-05T10:00:00.000Z', writtenIn: 'us-east-1' };
    assert.deepEqual(JSON.parse(String(response.body)), { ...expected, servedBy: 'us-east-1' });
    assert.deepEqual(items['order-42'], { ...expected, expiresAt: NOW_SECONDS + RETENTION_SECONDS });
    assert.equal(RETENTION_SECONDS, 7 * 24 * 3600);
  });

  test('reads an item back with the Region that serves it, which may differ from the one that wrote it', async () => {
    const stored = { id: 'order-42', value: 'shipped', updatedAt: '2026-12-05T09:00:00.000Z', writtenIn: 'us-east-1', expiresAt: NOW_SECONDS + 60 };
    const { store } = fakeStore({ items: { 'order-42': stored } });
    const response = await createHandler(store, 'us-west-2', () => NOW)(request('GET /items/{id}', 'order-42'));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(String(response.body)), {
      id: 'order-42',
      value: 'shipped',
      updatedAt: '2026-12-05T09:00:00.000Z',
      writtenIn: 'us-east-1',
      servedBy: 'us-west-2',
    });
  });

  test('answers 404 for a missing item and for an expired one TTL has not removed yet', async () => {
    const expired = { id: 'old', value: 'x', updatedAt: '2026-11-01T00:00:00.000Z', writtenIn: 'us-east-1', expiresAt: NOW_SECONDS - 1 };
    const { store } = fakeStore({ items: { old: expired } });
    const handler = createHandler(store, 'us-east-1', () => NOW);
    assert.equal((await handler(request('GET /items/{id}', 'missing'))).statusCode, 404);
    assert.equal((await handler(request('GET /items/{id}', 'old'))).statusCode, 404);
  });

  test('refuses a bad id, a body that is not JSON and a missing or oversized value without touching the table', async () => {
    const { store, calls } = fakeStore();
    const handler = createHandler(store, 'us-east-1', () => NOW);
    const refused = [
      request('GET /items/{id}', 'no spaces'),
      request('PUT /items/{id}', 'x'.repeat(65), '{"value":"a"}'),
      request('PUT /items/{id}', HEALTH_KEY, '{"value":"a"}'),
      request('PUT /items/{id}', 'a', 'not json'),
      request('PUT /items/{id}', 'a', '{"value":42}'),
      request('PUT /items/{id}', 'a', '{"value":""}'),
      request('PUT /items/{id}', 'a', 'null'),
      request('PUT /items/{id}', 'a', JSON.stringify({ value: 'v'.repeat(MAX_VALUE_LENGTH + 1) })),
    ];
    for (const event of refused) assert.equal((await handler(event)).statusCode, 400, JSON.stringify(event));
    assert.deepEqual(calls, []);
    const encoded = Buffer.from(JSON.stringify({ value: 'v'.repeat(MAX_VALUE_LENGTH) })).toString('base64');
    assert.equal((await handler(request('PUT /items/{id}', 'a', encoded, true))).statusCode, 200);
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    const { store } = fakeStore({ fail: true });
    const handler = createHandler(store, 'us-east-1', () => NOW);
    for (const event of [request('GET /items/{id}', 'a'), request('PUT /items/{id}', 'a', '{"value":"v"}')]) {
      const response = await quietly(() => handler(event));
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(String(response.body), /secret-table/);
    }
  });
});

describe('dynamoStore', () => {
  function recordingClient(reply: unknown = {}) {
    const sent: { name: string; input: unknown }[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: unknown }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        return reply;
      },
    } as unknown as DynamoDBClient;
    return { client, sent };
  }

  test('probes with a data-plane read of a key no client can write', async () => {
    const { client, sent } = recordingClient();
    await dynamoStore(client, 'Items').probe();
    assert.deepEqual(sent, [{ name: 'GetItemCommand', input: { TableName: 'Items', Key: { pk: { S: '#health' } }, ProjectionExpression: 'pk' } }]);
  });

  test('writes the item with its expiry in epoch seconds and reads it back', async () => {
    const { client, sent } = recordingClient();
    const item = { id: 'a', value: 'v', updatedAt: '2026-12-05T10:00:00.000Z', writtenIn: 'us-east-1' };
    await dynamoStore(client, 'Items').put(item, 1_800_000_000);
    assert.deepEqual(sent[0], {
      name: 'PutItemCommand',
      input: {
        TableName: 'Items',
        Item: { pk: { S: 'a' }, value: { S: 'v' }, updatedAt: { S: item.updatedAt }, writtenIn: { S: 'us-east-1' }, expiresAt: { N: '1800000000' } },
      },
    });
    const reader = recordingClient({ Item: { pk: { S: 'a' }, value: { S: 'v' }, updatedAt: { S: item.updatedAt }, writtenIn: { S: 'us-east-1' }, expiresAt: { N: '1800000000' } } });
    assert.deepEqual(await dynamoStore(reader.client, 'Items').get('a'), { ...item, expiresAt: 1_800_000_000 });
    assert.equal(await dynamoStore(recordingClient({}).client, 'Items').get('b'), undefined);
  });
});
