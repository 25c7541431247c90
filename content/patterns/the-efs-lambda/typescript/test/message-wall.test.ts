import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { fileMessageStore } from '../lambda/message-store';
import { createHandler, parseLimit, parseText } from '../lambda/message-wall';

function request(routeKey: string, body?: unknown, query?: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    routeKey,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    queryStringParameters: query,
  } as unknown as APIGatewayProxyEventV2;
}

describe('parseText', () => {
  test('accepts and trims a text field, also from base64', () => {
    assert.deepEqual(parseText('{"text":"  hi  "}'), { ok: true, value: 'hi' });
    assert.deepEqual(parseText(Buffer.from('{"text":"hi"}').toString('base64'), true), { ok: true, value: 'hi' });
  });

  test('rejects missing, malformed, blank and oversized text', () => {
    for (const body of [undefined, '{oops', '{}', '{"text":5}', '{"text":"   "}', JSON.stringify({ text: 'x'.repeat(501) }), 'null']) {
      assert.equal(parseText(body).ok, false, String(body));
    }
  });
});

describe('parseLimit', () => {
  test('defaults to 20 and allows 1 to 100', () => {
    assert.deepEqual(parseLimit(undefined), { ok: true, value: 20 });
    assert.deepEqual(parseLimit('100'), { ok: true, value: 100 });
    for (const bad of ['0', '101', '1.5', 'all']) assert.equal(parseLimit(bad).ok, false, bad);
  });
});

describe('message wall handler on a temporary directory', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'message-wall-handler-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('appends, lists newest first and clears', async () => {
    const handler = createHandler(fileMessageStore(dir));
    const first = await handler(request('POST /messages', { text: 'first' }));
    assert.equal(first.statusCode, 201);
    assert.equal(JSON.parse(String(first.body)).message.text, 'first');
    await new Promise((resolve) => setTimeout(resolve, 2));
    await handler(request('POST /messages', { text: 'second' }));

    const listed = JSON.parse(String((await handler(request('GET /messages'))).body));
    assert.equal(listed.total, 2);
    assert.deepEqual(
      listed.messages.map((m: { text: string }) => m.text),
      ['second', 'first'],
    );
    const newest = JSON.parse(String((await handler(request('GET /messages', undefined, { limit: '1' }))).body));
    assert.deepEqual(
      newest.messages.map((m: { text: string }) => m.text),
      ['second'],
    );
    assert.equal((await handler(request('GET /messages', undefined, { limit: '0' }))).statusCode, 400);

    const cleared = await handler(request('DELETE /messages'));
    assert.deepEqual(JSON.parse(String(cleared.body)), { deleted: 2 });
    assert.equal(JSON.parse(String((await handler(request('GET /messages'))).body)).total, 0);
  });

  test('answers 400 for bad input without writing anything', async () => {
    const store = fileMessageStore(dir);
    const response = await createHandler(store)(request('POST /messages', { text: '' }));
    assert.equal(response.statusCode, 400);
    assert.equal((await store.list(10)).total, 0);
  });

  test('answers 500 without exposing paths when the file system fails', async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const handler = createHandler(fileMessageStore(join(dir, 'not-mounted')));
      const response = await handler(request('GET /messages'));
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(String(response.body), /not-mounted|ENOENT/);
    } finally {
      console.error = original;
    }
  });

  test('answers 404 for a route it does not know', async () => {
    const response = await createHandler(fileMessageStore(dir))(request('PUT /messages'));
    assert.equal(response.statusCode, 404);
  });
});
