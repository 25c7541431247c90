import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { greetingFor, handler } from '../lambda/greeter';

function request(name?: string): APIGatewayProxyEvent {
  return {
    queryStringParameters: name === undefined ? null : { name },
    requestContext: { identity: { sourceIp: '203.0.113.7' } },
  } as unknown as APIGatewayProxyEvent;
}

describe('greetingFor', () => {
  test('greets the world when no name is given', () => {
    assert.deepEqual(greetingFor(undefined), { ok: true, message: 'Hello, world!' });
    assert.deepEqual(greetingFor('   '), { ok: true, message: 'Hello, world!' });
  });

  test('accepts names in any script and tidies the spacing', () => {
    assert.deepEqual(greetingFor('  Ada   Lovelace '), { ok: true, message: 'Hello, Ada Lovelace!' });
    assert.deepEqual(greetingFor("Seán O'Brien-Zoë"), { ok: true, message: "Hello, Seán O'Brien-Zoë!" });
    assert.deepEqual(greetingFor('Łucja'), { ok: true, message: 'Hello, Łucja!' });
  });

  test('refuses markup, digits and overlong names', () => {
    for (const bad of ['<script>alert(1)</script>', 'R2D2', 'a'.repeat(41), '-dash']) {
      assert.equal(greetingFor(bad).ok, false, bad);
    }
  });
});

describe('greeter handler', () => {
  test('answers 200 with the greeting and the address WAF counts', async () => {
    const response = await handler(request('Grace'));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(response.body), { message: 'Hello, Grace!', yourIp: '203.0.113.7' });
  });

  test('answers 400 without echoing the rejected value', async () => {
    const response = await handler(request('<img src=x>'));
    assert.equal(response.statusCode, 400);
    assert.doesNotMatch(response.body, /img/);
  });
});
