import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handler } from '../lambda/who-am-i';

const withAuthorizer = (authorizer: Record<string, unknown> | null) =>
  ({ requestContext: { authorizer } }) as unknown as Pick<APIGatewayProxyEvent, 'requestContext'>;

describe('WhoAmI', () => {
  test('answers with the subject and scopes the authorizer verified', async () => {
    const response = await handler(withAuthorizer({ principalId: 'user-123', sub: 'user-123', scope: 'orders:read profile' }));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.['cache-control'], 'no-store');
    const body = JSON.parse(response.body);
    assert.equal(body.subject, 'user-123');
    assert.deepEqual(body.scopes, ['orders:read', 'profile']);
  });

  test('answers a plain 500 when the request reached it without authorizer context', async () => {
    const response = await handler(withAuthorizer(null));
    assert.equal(response.statusCode, 500);
    assert.deepEqual(JSON.parse(response.body), { message: 'Internal server error' });
  });
});
