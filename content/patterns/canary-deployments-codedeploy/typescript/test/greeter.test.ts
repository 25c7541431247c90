import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { GREETING, createHandler } from '../lambda/greeter';

function request(method: string): APIGatewayProxyEventV2 {
  return { rawPath: '/', requestContext: { http: { method } } } as unknown as APIGatewayProxyEventV2;
}

describe('greeter', () => {
  test('greets with the version that served the request', async () => {
    const response = await createHandler('7')(request('GET'));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(String(response.body)), { message: `${GREETING} from version 7.`, version: '7' });
  });

  test('refuses other methods with 405 and an allow header', async () => {
    const response = await createHandler('7')(request('POST'));
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers?.allow, 'GET');
  });
});
