import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHandler, pickOutcome } from '../lambda/downstream';

const request = (fail?: string) => ({ queryStringParameters: fail ? { fail } : undefined }) as unknown as APIGatewayProxyEventV2;

describe('pickOutcome', () => {
  test('obeys the fail switch', () => {
    assert.equal(pickOutcome('true', 0, () => 0.9), 'error');
    assert.equal(pickOutcome('slow', 0, () => 0.9), 'slow');
    assert.equal(pickOutcome('false', 1, () => 0), 'ok');
  });

  test('fails the configured share of calls', () => {
    assert.equal(pickOutcome(undefined, 0.2, () => 0.19), 'error');
    assert.equal(pickOutcome(undefined, 0.2, () => 0.2), 'ok');
    assert.equal(pickOutcome(undefined, 0, () => 0), 'ok');
    assert.equal(pickOutcome(undefined, 1, () => 0.999), 'error');
  });
});

describe('downstream handler', () => {
  test('answers 500 when failing and a list when working', async () => {
    const handler = createHandler(0.5, 5000);
    assert.equal((await handler(request('true'))).statusCode, 500);
    const ok = await handler(request('false'));
    assert.equal(ok.statusCode, 200);
    assert.ok(JSON.parse(String(ok.body)).recommendations.length > 0);
  });

  test('stalls for the configured time before answering', async () => {
    const slept: number[] = [];
    const handler = createHandler(0, 5000, Math.random, async (ms) => {
      slept.push(ms);
    });
    assert.equal((await handler(request('slow'))).statusCode, 200);
    assert.deepEqual(slept, [5000]);
  });
});
