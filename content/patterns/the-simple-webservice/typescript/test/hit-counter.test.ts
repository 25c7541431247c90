import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { MAX_PATH_LENGTH, createHandler, dynamoIncrement, normalisePath } from '../lambda/hit-counter';

process.env.AWS_REGION ??= 'us-east-1';

function request(method: string, rawPath: string): APIGatewayProxyEventV2 {
  return { rawPath, requestContext: { http: { method } } } as unknown as APIGatewayProxyEventV2;
}

describe('normalisePath', () => {
  test('treats case and trailing slashes as the same page', () => {
    assert.equal(normalisePath('/Hello/'), '/hello');
    assert.equal(normalisePath('/hello//'), '/hello');
    assert.equal(normalisePath('/'), '/');
    assert.equal(normalisePath(undefined), '/');
  });
});

describe('hit counter handler', () => {
  test('counts the normalised path and reports the new total', async () => {
    const seen: string[] = [];
    const handler = createHandler(async (path) => {
      seen.push(path);
      return 3;
    });
    const response = await handler(request('GET', '/Docs/'));
    assert.deepEqual(seen, ['/docs']);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(String(response.body)), {
      path: '/docs',
      hits: 3,
      message: 'You have visited /docs 3 times.',
    });
  });

  test('uses the singular for a first visit', async () => {
    const handler = createHandler(async () => 1);
    const body = JSON.parse(String((await handler(request('GET', '/new'))).body));
    assert.equal(body.message, 'You have visited /new 1 time.');
  });

  test('refuses other methods without touching the table', async () => {
    let calls = 0;
    const handler = createHandler(async () => ++calls);
    const response = await handler(request('POST', '/'));
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers?.allow, 'GET');
    assert.equal(calls, 0);
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const handler = createHandler(async () => {
        throw new Error('ProvisionedThroughputExceededException: secret-table-name');
      });
      const response = await handler(request('GET', '/'));
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(String(response.body), /secret-table-name/);
    } finally {
      console.error = original;
    }
  });

  test('refuses a path longer than 256 characters without touching the table', async () => {
    let calls = 0;
    const handler = createHandler(async () => ++calls);
    const longest = `/${'a'.repeat(MAX_PATH_LENGTH - 1)}`;
    assert.equal((await handler(request('GET', longest))).statusCode, 200);
    const response = await handler(request('GET', `${longest}b`));
    assert.equal(response.statusCode, 414);
    assert.equal(calls, 1);
  });
});

describe('dynamoIncrement', () => {
  test('adds one on the server with a single UpdateItem and returns the new total', async () => {
    const sent: UpdateItemCommand['input'][] = [];
    const client = {
      send: async (command: UpdateItemCommand) => {
        sent.push(command.input);
        return { Attributes: { hits: { N: '7' } } };
      },
    } as unknown as DynamoDBClient;
    assert.equal(await dynamoIncrement(client, 'Hits')('/docs'), 7);
    assert.deepEqual(sent, [
      {
        TableName: 'Hits',
        Key: { path: { S: '/docs' } },
        // ADD, not a read followed by a put: two requests at once cannot overwrite each other.
        UpdateExpression: 'ADD hits :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      },
    ]);
  });
});
