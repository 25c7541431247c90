import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { chooseBehaviour, createHandler } from '../lambda/unreliable-service';

function request(fail?: string): APIGatewayProxyEvent {
  return { queryStringParameters: fail ? { fail } : null } as unknown as APIGatewayProxyEvent;
}

describe('chooseBehaviour', () => {
  test('obeys the fail switch whatever the dice say', () => {
    assert.equal(chooseBehaviour('true', 0, () => 0.99), 'fail');
    assert.equal(chooseBehaviour('slow', 0, () => 0.99), 'stall');
    assert.equal(chooseBehaviour('false', 1, () => 0), 'succeed');
  });

  test('splits the failure rate evenly between failing and stalling', () => {
    assert.equal(chooseBehaviour(undefined, 0.5, () => 0.1), 'fail');
    assert.equal(chooseBehaviour(undefined, 0.5, () => 0.3), 'stall');
    assert.equal(chooseBehaviour(undefined, 0.5, () => 0.6), 'succeed');
    assert.equal(chooseBehaviour(undefined, 0, () => 0), 'succeed');
  });
});

describe('unreliable service handler', () => {
  const config = { failureRate: 0.5, stallMs: 4000 };

  test('answers 503 at once when failing', async () => {
    const slept: number[] = [];
    const response = await createHandler(config, Math.random, async (ms) => {
      slept.push(ms);
    })(request('true'));
    assert.equal(response.statusCode, 503);
    assert.deepEqual(slept, []);
  });

  test('answers 200 only after stalling for the configured time', async () => {
    const slept: number[] = [];
    const response = await createHandler(config, Math.random, async (ms) => {
      slept.push(ms);
    })(request('slow'));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(slept, [4000]);
  });

  test('answers 200 straight away when healthy', async () => {
    const response = await createHandler(config, () => 0.9, async () => assert.fail('should not stall'))(request());
    assert.equal(response.statusCode, 200);
  });
});
