import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { PRODUCT_ID, createHandler, dynamoFind } from '../lambda/get-product';

process.env.AWS_REGION ??= 'us-east-1';

function request(productId: string | undefined): APIGatewayProxyEventV2 {
  return { pathParameters: productId === undefined ? undefined : { productId }, requestContext: { http: { method: 'GET' } } } as unknown as APIGatewayProxyEventV2;
}

describe('get product handler', () => {
  test('answers 200 with the stored product', async () => {
    const seen: string[] = [];
    const handler = createHandler(async (id) => {
      seen.push(id);
      return { productId: id, name: 'Espresso cup', priceCents: 1200 };
    });
    const response = await handler(request('cup-01'));
    assert.deepEqual(seen, ['cup-01']);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(String(response.body)), { productId: 'cup-01', name: 'Espresso cup', priceCents: 1200 });
  });

  test('answers 404 when the product does not exist', async () => {
    const response = await createHandler(async () => undefined)(request('nothing-here'));
    assert.equal(response.statusCode, 404);
    assert.deepEqual(JSON.parse(String(response.body)), { message: 'No product nothing-here.' });
  });

  test('refuses a malformed product id with 400 without touching the table', async () => {
    const calls: string[] = [];
    const handler = createHandler(async (id) => {
      calls.push(id);
      return undefined;
    });
    for (const id of ['', 'has space', 'semi;colon', 'x'.repeat(65), undefined]) {
      const response = await handler(request(id));
      assert.equal(response.statusCode, 400, `id ${JSON.stringify(id)}`);
    }
    assert.deepEqual(calls, []);
    assert.ok(PRODUCT_ID.test('x'.repeat(64)));
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    const logged: string[] = [];
    const original = console.error;
    console.error = (line: string) => logged.push(line);
    try {
      const response = await createHandler(async () => {
        throw new Error('AccessDeniedException on table Products-ABC123');
      })(request('cup-01'));
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(String(response.body), /Products-ABC123|AccessDenied/);
      assert.match(logged.join('\n'), /product lookup failed.*AccessDeniedException/);
    } finally {
      console.error = original;
    }
  });

  test('reads one item by key with GetItem on the configured table', async () => {
    const sent: GetCommand[] = [];
    const client = {
      send: async (command: GetCommand) => {
        sent.push(command);
        return { Item: { productId: 'cup-01' } };
      },
    } as unknown as DynamoDBDocumentClient;
    assert.deepEqual(await dynamoFind(client, 'Products')('cup-01'), { productId: 'cup-01' });
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.constructor.name, 'GetCommand');
    assert.deepEqual(sent[0]!.input, { TableName: 'Products', Key: { productId: 'cup-01' } });
  });
});
