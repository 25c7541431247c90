import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tracer, traced, xray } from '../lambda/tracing';

describe('tracing helpers outside Lambda', () => {
  test('switch tracing off, so unit tests and local runs need no X-Ray daemon', () => {
    assert.equal(tracer.isTracingEnabled(), false);
  });

  test('pass results and errors through unchanged', async () => {
    assert.equal(await traced(async (n: number) => n * 2)(21), 42);
    await assert.rejects(traced(async () => Promise.reject(new Error('boom')))(undefined), /boom/);
    assert.equal(await xray.span('### step', async () => 'done'), 'done');
  });
});
