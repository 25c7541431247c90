import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CircuitOpenError, type CircuitState } from '../lambda/circuit-breaker';
import { type Breaker, callDownstream, createHandler, DownstreamError, FALLBACK_RECOMMENDATIONS, readOptions, targetUrl } from '../lambda/caller';

process.env.AWS_REGION ??= 'us-east-1';

function request(query?: Record<string, string>): APIGatewayProxyEventV2 {
  return { queryStringParameters: query, requestContext: { domainName: 'abc.execute-api.eu-west-1.amazonaws.com' } } as unknown as APIGatewayProxyEventV2;
}

/** A breaker that just runs the call, or refuses it, and reports a fixed state. */
function breaker(state: CircuitState, refuse?: CircuitOpenError): Breaker {
  return {
    state,
    fire: async (call) => {
      if (refuse) throw refuse;
      return call();
    },
  };
}

describe('callDownstream', () => {
  test('returns the recommendations of a good answer', async () => {
    const list = await callDownstream('https://x', 100, async () => Response.json({ recommendations: ['a', 'b'] }));
    assert.deepEqual(list, ['a', 'b']);
  });

  test('treats error statuses, odd bodies, refused connections and timeouts as downstream failures', async () => {
    await assert.rejects(callDownstream('https://x', 100, async () => new Response('no', { status: 500 })), DownstreamError);
    await assert.rejects(callDownstream('https://x', 100, async () => Response.json({ nope: true })), /no recommendations/);
    await assert.rejects(
      callDownstream('https://x', 100, async () => {
        throw new TypeError('fetch failed');
      }),
      /could not connect/,
    );
    // AbortSignal.timeout's timer does not hold Node's event loop open (a real socket would),
    // so the stand-in holds it until the abort, or the test runner sees an idle loop and fails.
    const hangs: typeof fetch = (_u, init) =>
      new Promise((_r, reject) => {
        const socket = setTimeout(() => {}, 10_000);
        init?.signal?.addEventListener('abort', () => {
          clearTimeout(socket);
          reject(init.signal?.reason);
        });
      });
    await assert.rejects(callDownstream('https://x', 20, hangs), /no answer within 20 ms/);
  });
});

describe('targetUrl', () => {
  test('defaults to the stand-in on the same API and forwards the fail switch', () => {
    assert.equal(targetUrl({ callTimeoutMs: 1 }, request()), 'https://abc.execute-api.eu-west-1.amazonaws.com/downstream');
    assert.equal(targetUrl({ callTimeoutMs: 1 }, request({ fail: 'slow' })), 'https://abc.execute-api.eu-west-1.amazonaws.com/downstream?fail=slow');
  });

  test('uses a configured URL as it is', () => {
    assert.equal(targetUrl({ downstreamUrl: 'https://recs.example.com/v2', callTimeoutMs: 1 }, request({ fail: 'true' })), 'https://recs.example.com/v2');
  });
});

describe('caller handler', () => {
  test('returns the downstream list and the circuit state when the call works', async () => {
    const handler = createHandler(breaker('CLOSED'), { callTimeoutMs: 2000 }, async () => ['Headlamp']);
    const response = await handler(request());
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.['x-circuit-state'], 'CLOSED');
    assert.deepEqual(JSON.parse(String(response.body)), { source: 'downstream', circuit: 'CLOSED', recommendations: ['Headlamp'] });
  });

  test('serves the fallback, with Retry-After, while the circuit is open', async () => {
    let called = false;
    const handler = createHandler(breaker('OPEN', new CircuitOpenError('OPEN', 12_400)), { callTimeoutMs: 2000 }, async () => {
      called = true;
      return [];
    });
    const response = await handler(request());
    const body = JSON.parse(String(response.body));
    assert.equal(called, false);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.['retry-after'], '13');
    assert.equal(body.source, 'fallback');
    assert.equal(body.circuit, 'OPEN');
    assert.deepEqual(body.recommendations, FALLBACK_RECOMMENDATIONS);
  });

  test('serves the fallback and says why when the downstream fails', async () => {
    const handler = createHandler(breaker('CLOSED'), { callTimeoutMs: 2000 }, async () => {
      throw new DownstreamError('HTTP 500');
    });
    const body = JSON.parse(String((await handler(request())).body));
    assert.equal(body.source, 'fallback');
    assert.equal(body.reason, 'downstream failed: HTTP 500');
  });
});

describe('readOptions', () => {
  test('reads the thresholds and derives the trial lease from the call timeout', () => {
    assert.deepEqual(
      readOptions({ FAILURE_THRESHOLD: '5', SUCCESS_THRESHOLD: '1', OPEN_TIMEOUT_MS: '30000', CALL_TIMEOUT_MS: '1500' }),
      { failureThreshold: 5, successThreshold: 1, timeoutMs: 30_000, trialLeaseMs: 2_500, callTimeoutMs: 1_500 },
    );
    assert.throws(() => readOptions({ FAILURE_THRESHOLD: '-1' }), /FAILURE_THRESHOLD/);
  });
});
