import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ServiceCallFailedDetail } from '../lambda/breaker-events';
import {
  type BreakerPolicy,
  type CallerConfig,
  type CallerDeps,
  type CallOutcome,
  callService,
  countsAsFailure,
  createHandler,
  decide,
  readConfig,
  targetUrl,
  windowStart,
} from '../lambda/caller';

process.env.AWS_REGION ??= 'us-east-1';

const policy: BreakerPolicy = { failureThreshold: 3, windowMs: 60_000 };
const T = Date.parse('2026-11-22T10:00:00.000Z');
const seconds = (n: number) => n * 1000;

describe('decide', () => {
  test('keeps the circuit closed with no recent failures', () => {
    assert.deepEqual(decide([], T, policy), { state: 'CLOSED', recentFailures: 0 });
  });

  test('keeps it closed below the threshold', () => {
    assert.deepEqual(decide([T - seconds(5), T - seconds(1)], T, policy), { state: 'CLOSED', recentFailures: 2 });
  });

  test('opens at the threshold and says when the oldest counted failure leaves the window', () => {
    const circuit = decide([T - seconds(10), T - seconds(5), T - seconds(1)], T, policy);
    // The failure 10 s ago leaves the 60 s window in 50 s.
    assert.deepEqual(circuit, { state: 'OPEN', recentFailures: 3, retryAfterSeconds: 50 });
  });

  test('ignores failures at or beyond the edge of the window', () => {
    assert.equal(decide([T - seconds(60), T - seconds(2), T - seconds(1)], T, policy).state, 'CLOSED');
    assert.equal(decide([T - seconds(60) + 1, T - seconds(2), T - seconds(1)], T, policy).state, 'OPEN');
    assert.equal(decide([T - seconds(3600), T - seconds(61)], T, policy).recentFailures, 0);
  });

  test('does not depend on the order of the failures it is given', () => {
    const sorted = decide([T - seconds(1), T - seconds(20), T - seconds(30)], T, policy);
    const shuffled = decide([T - seconds(20), T - seconds(30), T - seconds(1)], T, policy);
    assert.deepEqual(sorted, shuffled);
    assert.deepEqual(sorted, { state: 'OPEN', recentFailures: 3, retryAfterSeconds: 30 });
  });

  test('with more failures than the threshold, waits for enough of them to age out', () => {
    // Five failures: the circuit closes when the third most recent (25 s ago) leaves, in 35 s.
    const times = [1, 10, 25, 40, 55].map((s) => T - seconds(s));
    assert.deepEqual(decide(times, T, policy), { state: 'OPEN', recentFailures: 5, retryAfterSeconds: 35 });
  });

  test('treats failures stamped in the future, from clock skew, as happening now', () => {
    const circuit = decide([T + seconds(5), T + seconds(1), T], T, policy);
    assert.deepEqual(circuit, { state: 'OPEN', recentFailures: 3, retryAfterSeconds: 60 });
  });

  test('never tells a client to retry after less than one second', () => {
    const circuit = decide([T - seconds(60) + 200, T - seconds(1), T], T, policy);
    assert.equal(circuit.state === 'OPEN' && circuit.retryAfterSeconds, 1);
  });

  test('opens on the first failure when the threshold is one', () => {
    assert.deepEqual(decide([T - seconds(45)], T, { failureThreshold: 1, windowMs: seconds(60) }), {
      state: 'OPEN',
      recentFailures: 1,
      retryAfterSeconds: 15,
    });
  });

  test('closes again by itself as failures age out, with no reset call', () => {
    const times = [T, T + seconds(1), T + seconds(2)];
    assert.equal(decide(times, T + seconds(2), policy).state, 'OPEN');
    assert.equal(decide(times, T + seconds(59), policy).state, 'OPEN');
    assert.equal(decide(times, T + seconds(60), policy).state, 'CLOSED');
  });

  test('starts the window exactly one window length ago', () => {
    assert.equal(windowStart(T, policy), '2026-11-22T09:59:00.000Z');
  });
});

describe('countsAsFailure', () => {
  test('counts server errors and throttling, not client errors or successes', () => {
    for (const status of [500, 502, 503, 504, 429]) assert.equal(countsAsFailure(status), true, String(status));
    for (const status of [200, 204, 301, 400, 404]) assert.equal(countsAsFailure(status), false, String(status));
  });
});

describe('callService', () => {
  const clock = (() => {
    let t = 0;
    return () => (t += 100);
  })();

  test('reports a successful answer with its body', async () => {
    const outcome = await callService('https://x', 1000, async () => new Response('{"ok":true}', { status: 200 }), clock);
    assert.equal(outcome.ok, true);
    assert.equal(outcome.ok && outcome.body, '{"ok":true}');
  });

  test('reports a 503 as a failure with its status', async () => {
    const outcome = await callService('https://x', 1000, async () => new Response('down', { status: 503 }), clock);
    assert.deepEqual({ ...outcome, durationMs: 0 }, { ok: false, reason: 'status', statusCode: 503, durationMs: 0, message: 'HTTP 503' });
  });

  test('reports a refused connection as a network failure', async () => {
    const outcome = await callService('https://x', 1000, async () => {
      throw new TypeError('fetch failed');
    });
    assert.equal(!outcome.ok && outcome.reason, 'network');
  });

  test('gives up after the timeout and reports it as such', async () => {
    // AbortSignal.timeout's timer does not hold Node's event loop open (a real socket would),
    // so the stand-in holds it until the abort, or the test runner sees an idle loop and fails.
    const hangs: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        const socket = setTimeout(() => {}, 10_000);
        init?.signal?.addEventListener('abort', () => {
          clearTimeout(socket);
          reject(init.signal?.reason);
        });
      });
    const outcome = await callService('https://x', 20, hangs);
    assert.equal(!outcome.ok && outcome.reason, 'timeout');
    assert.equal(!outcome.ok && outcome.message, 'no answer within 20 ms');
  });
});

function request(query: Record<string, string> | null = null): APIGatewayProxyEvent {
  return {
    queryStringParameters: query,
    requestContext: { domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', stage: 'prod', requestId: 'req-1' },
  } as unknown as APIGatewayProxyEvent;
}

const config: CallerConfig = { serviceName: 'unreliable-service', timeoutMs: 2000, policy };

describe('targetUrl', () => {
  test('defaults to the stand-in service on the same API and forwards the fail switch', () => {
    assert.equal(targetUrl(config, request()), 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/unreliable');
    assert.equal(targetUrl(config, request({ fail: 'true' })), 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/unreliable?fail=true');
  });

  test('uses a configured URL as it is, without the demo switch', () => {
    assert.equal(targetUrl({ ...config, serviceUrl: 'https://api.example.com/v1/quote' }, request({ fail: 'true' })), 'https://api.example.com/v1/quote');
  });
});

describe('caller handler', () => {
  function deps(overrides: Partial<CallerDeps> & { outcome?: CallOutcome } = {}) {
    const calls: string[] = [];
    const reported: ServiceCallFailedDetail[] = [];
    const queries: unknown[][] = [];
    const d: CallerDeps = {
      recentFailures: async (...args) => {
        queries.push(args);
        return [];
      },
      call: async (url) => {
        calls.push(url);
        return overrides.outcome ?? { ok: true, statusCode: 200, body: '{"message":"hi"}', durationMs: 12 };
      },
      reportFailure: async (detail) => {
        reported.push(detail);
      },
      now: () => T,
      ...overrides,
    };
    return { d, calls, reported, queries };
  }

  function quietly<R>(fn: () => Promise<R>): Promise<R> {
    const original = console.log;
    console.log = () => {};
    return fn().finally(() => {
      console.log = original;
    });
  }

  test('asks for at most threshold failures since the start of the window', async () => {
    const { d, queries } = deps();
    await createHandler(d, config)(request());
    assert.deepEqual(queries, [['unreliable-service', '2026-11-22T09:59:00.000Z', 3]]);
  });

  test('calls the service while the circuit is closed and passes its answer on', async () => {
    const { d, calls } = deps();
    const response = await createHandler(d, config)(request());
    assert.equal(calls.length, 1);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(response.body), { circuit: 'CLOSED', serviceStatus: 200, durationMs: 12, serviceResponse: { message: 'hi' } });
  });

  test('fails fast with 503 and Retry-After while the circuit is open, without calling the service', async () => {
    const { d, calls, reported } = deps({ recentFailures: async () => [T - seconds(10), T - seconds(5), T - seconds(1)] });
    const response = await quietly(() => createHandler(d, config)(request()));
    assert.equal(calls.length, 0);
    assert.equal(reported.length, 0);
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers?.['retry-after'], '50');
    assert.equal(JSON.parse(response.body).circuit, 'OPEN');
  });

  test('publishes a failure event and answers 502 when the call fails', async () => {
    const { d, reported } = deps({ outcome: { ok: false, reason: 'timeout', durationMs: 2001, message: 'no answer within 2000 ms' } });
    const response = await createHandler(d, config)(request());
    assert.equal(response.statusCode, 502);
    assert.deepEqual(reported, [
      {
        service: 'unreliable-service',
        failedAt: '2026-11-22T10:00:00.000Z',
        reason: 'timeout',
        statusCode: undefined,
        durationMs: 2001,
        message: 'no answer within 2000 ms',
        requestId: 'req-1',
      },
    ]);
  });

  test('fails open: calls the service when the breaker state cannot be read', async () => {
    const { d, calls } = deps({
      recentFailures: async () => {
        throw new Error('AccessDeniedException');
      },
    });
    const response = await quietly(() => createHandler(d, config)(request()));
    assert.equal(calls.length, 1);
    assert.equal(response.statusCode, 200);
  });

  test('still answers 502 when the failure event cannot be published', async () => {
    const { d } = deps({
      outcome: { ok: false, reason: 'status', statusCode: 503, durationMs: 40, message: 'HTTP 503' },
      reportFailure: async () => {
        throw new Error('ThrottlingException');
      },
    });
    const response = await quietly(() => createHandler(d, config)(request()));
    assert.equal(response.statusCode, 502);
  });
});

describe('readConfig', () => {
  test('reads the limits and uses the stand-in service when no URL is set', () => {
    assert.deepEqual(
      readConfig({ SERVICE_NAME: 'quotes', SERVICE_TIMEOUT_MS: '1500', FAILURE_THRESHOLD: '5', WINDOW_SECONDS: '30' }),
      { serviceName: 'quotes', serviceUrl: undefined, timeoutMs: 1500, policy: { failureThreshold: 5, windowMs: 30_000 } },
    );
  });

  test('refuses a threshold or window that is not a positive whole number', () => {
    assert.throws(() => readConfig({ FAILURE_THRESHOLD: '0' }), /FAILURE_THRESHOLD/);
    assert.throws(() => readConfig({ WINDOW_SECONDS: 'soon' }), /WINDOW_SECONDS/);
  });
});
