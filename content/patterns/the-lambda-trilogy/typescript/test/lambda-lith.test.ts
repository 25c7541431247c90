import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { NextFunction, Request, Response } from 'express';
import { handler } from '../lambda/lambda-lith';
import { handleError } from '../lambda/lith-app';
import { lambdaContext, proxyEvent } from './events';

// Goes through @codegenie/serverless-express exactly as Lambda would call it, so the
// test covers the event translation as well as the Express routes.
async function invoke(method: string, path: string, query: Record<string, string | string[]> = {}) {
  const event = proxyEvent(method, '/{proxy+}', path, query);
  const result = (await handler(event, lambdaContext, () => {})) as APIGatewayProxyResult & {
    multiValueHeaders: Record<string, string[]>;
  };
  return { ...result, json: JSON.parse(result.body) };
}

describe('Lambda-lith (Express 5 behind serverless-express)', () => {
  test('serves each operation from an API Gateway proxy event', async () => {
    const added = await invoke('GET', '/add', { a: '2', b: '40' });
    assert.equal(added.statusCode, 200);
    assert.deepEqual(added.json, { operation: 'add', a: 2, b: 40, result: 42 });
    assert.match(added.multiValueHeaders['content-type']?.[0] ?? '', /^application\/json/);

    const multiplied = await invoke('GET', '/multiply', { a: '-3', b: '7' });
    assert.equal(multiplied.json.result, -21);
  });

  test('validates operands in the app, since API Gateway cannot for a proxy route', async () => {
    const response = await invoke('GET', '/subtract', { a: '5' });
    assert.equal(response.statusCode, 400);
    assert.match(response.json.message, /\/subtract\?a=3&b=4/);
  });

  test('refuses a repeated operand instead of picking one', async () => {
    const response = await invoke('GET', '/add', { a: ['1', '2'], b: '3' });
    assert.equal(response.statusCode, 400);
  });

  test('answers unknown paths and methods with a JSON 404', async () => {
    const unknown = await invoke('GET', '/divide', { a: '1', b: '2' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json.message, 'No route for GET /divide.');

    const wrongMethod = await invoke('POST', '/add', { a: '1', b: '2' });
    assert.equal(wrongMethod.statusCode, 404);
  });

  test('does not advertise the framework', async () => {
    const response = await invoke('GET', '/add', { a: '1', b: '1' });
    assert.equal(response.multiValueHeaders['x-powered-by'], undefined);
  });
});

describe('Lambda-lith error handler', () => {
  function fakeResponse(headersSent: boolean) {
    const sent: { status?: number; body?: unknown } = {};
    const res = {
      headersSent,
      status(code: number) {
        sent.status = code;
        return this;
      },
      json(body: unknown) {
        sent.body = body;
        return this;
      },
    };
    return { res: res as unknown as Response, sent };
  }
  const req = { path: '/add' } as Request;

  test('answers a generic 500 and keeps the cause out of the response', () => {
    const original = console.error;
    const logged: string[] = [];
    console.error = (line: string) => logged.push(line);
    try {
      const { res, sent } = fakeResponse(false);
      handleError(new Error('secret connection string'), req, res, (() => {}) as NextFunction);
      assert.equal(sent.status, 500);
      assert.doesNotMatch(JSON.stringify(sent.body), /secret/);
      assert.match(logged.join(), /secret connection string/);
    } finally {
      console.error = original;
    }
  });

  test('hands over to Express once the response has started', () => {
    const { res, sent } = fakeResponse(true);
    const forwarded: unknown[] = [];
    const boom = new Error('late failure');
    handleError(boom, req, res, ((e: unknown) => forwarded.push(e)) as NextFunction);
    assert.deepEqual(forwarded, [boom]);
    assert.equal(sent.status, undefined);
  });
});
