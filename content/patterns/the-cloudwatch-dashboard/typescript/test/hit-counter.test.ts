import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHandler, pageKey, visitRecorder } from '../lambda/hit-counter';

process.env.AWS_REGION ??= 'us-east-1';

const call = (method: string, rawPath: string) =>
  ({ rawPath, requestContext: { http: { method } } }) as unknown as APIGatewayProxyEventV2;

describe('pageKey', () => {
  test('folds case and trailing slashes into one counter', () => {
    assert.equal(pageKey('/About/'), '/about');
    assert.equal(pageKey('/docs///'), '/docs');
    assert.equal(pageKey('/'), '/');
    assert.equal(pageKey(''), '/');
    assert.equal(pageKey(undefined), '/');
  });
});

describe('visitRecorder', () => {
  test('sends one atomic ADD to the named table and reads back the total', async () => {
    const sent: UpdateItemCommand[] = [];
    const client = {
      send: async (command: UpdateItemCommand) => {
        sent.push(command);
        return { Attributes: { hits: { N: '7' } } };
      },
    };
    const total = await visitRecorder(client as never, 'hits-table')('/about');
    assert.equal(total, 7);
    assert.equal(sent.length, 1);
    assert.ok(sent[0] instanceof UpdateItemCommand);
    assert.deepEqual(sent[0]!.input, {
      TableName: 'hits-table',
      Key: { path: { S: '/about' } },
      UpdateExpression: 'ADD hits :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  test('fails loudly when DynamoDB returns no count', async () => {
    const client = { send: async () => ({}) };
    await assert.rejects(visitRecorder(client as never, 't')('/x'), /no hit count/);
  });
});

describe('hit counter handler', () => {
  test('counts a GET under its page key', async () => {
    const pages: string[] = [];
    const handler = createHandler(async (page) => {
      pages.push(page);
      return 12;
    });
    const response = await handler(call('GET', '/Pricing/'));
    assert.deepEqual(pages, ['/pricing']);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(String(response.body)), { page: '/pricing', hits: 12 });
  });

  test('answers other methods with 405 and records nothing', async () => {
    let writes = 0;
    const handler = createHandler(async () => ++writes);
    const response = await handler(call('DELETE', '/pricing'));
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers?.allow, 'GET');
    assert.equal(writes, 0);
  });

  test('logs the failure at ERROR level and hides it from the caller', async () => {
    const logged: string[] = [];
    const original = console.error;
    console.error = (line: string) => void logged.push(line);
    try {
      const handler = createHandler(async () => {
        throw new Error('ThrottlingException on table hits-prod');
      });
      const response = await handler(call('GET', '/'));
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(String(response.body), /hits-prod/);
      assert.match(logged[0] ?? '', /ThrottlingException/);
    } finally {
      console.error = original;
    }
  });
});
