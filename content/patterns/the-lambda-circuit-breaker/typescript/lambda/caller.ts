import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type BreakerOptions, CircuitBreaker, CircuitOpenError, type CircuitState } from './circuit-breaker';
import { DynamoDbStateStore } from './dynamodb-state-store';
import { stateChangeLine } from './state-log';

/** The downstream answered badly, too slowly, or not at all. */
export class DownstreamError extends Error {}

/** What the page shows when the personalised list is unavailable: still useful, clearly labelled. */
export const FALLBACK_RECOMMENDATIONS = ['Gift card', 'Bestseller of the week'];

export interface CallerConfig {
  /** Absent: call this API's own /downstream route, found from the incoming request. */
  downstreamUrl?: string;
  callTimeoutMs: number;
}

export interface Breaker {
  fire<T>(request: () => Promise<T>): Promise<T>;
  readonly state: CircuitState;
}

export async function callDownstream(url: string, timeoutMs: number, fetchFn: typeof fetch = fetch): Promise<string[]> {
  let response: Response;
  try {
    response = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new DownstreamError(timedOut ? `no answer within ${timeoutMs} ms` : `could not connect: ${String(error)}`);
  }
  if (!response.ok) throw new DownstreamError(`HTTP ${response.status}`);
  const body = (await response.json().catch(() => ({}))) as { recommendations?: unknown };
  if (!Array.isArray(body.recommendations)) throw new DownstreamError('the answer had no recommendations list');
  return body.recommendations.map(String);
}

export function targetUrl(config: CallerConfig, event: APIGatewayProxyEventV2): string {
  if (config.downstreamUrl) return config.downstreamUrl;
  const url = new URL(`https://${event.requestContext.domainName}/downstream`);
  // Lets a demo force the stand-in to fail (fail=true), stall (fail=slow) or work (fail=false).
  const fail = event.queryStringParameters?.fail;
  if (fail) url.searchParams.set('fail', fail);
  return url.toString();
}

function json(statusCode: number, body: unknown, headers: Record<string, string>): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function createHandler(breaker: Breaker, config: CallerConfig, call: typeof callDownstream = callDownstream) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const url = targetUrl(config, event);
    try {
      const recommendations = await breaker.fire(() => call(url, config.callTimeoutMs));
      return json(200, { source: 'downstream', circuit: breaker.state, recommendations }, { 'x-circuit-state': breaker.state });
    } catch (error) {
      // Either way the shopper gets a page: the fallback list, labelled, instead of an error.
      if (error instanceof CircuitOpenError) {
        const retryAfterSeconds = Math.ceil(error.retryAfterMs / 1000);
        return json(
          200,
          { source: 'fallback', circuit: error.state, reason: 'circuit open; downstream not called', retryAfterSeconds, recommendations: FALLBACK_RECOMMENDATIONS },
          { 'x-circuit-state': error.state, 'retry-after': String(retryAfterSeconds) },
        );
      }
      const reason = error instanceof DownstreamError ? `downstream failed: ${error.message}` : 'unexpected error';
      if (!(error instanceof DownstreamError)) console.error(JSON.stringify({ level: 'ERROR', message: reason, error: String(error) }));
      return json(200, { source: 'fallback', circuit: breaker.state, reason, recommendations: FALLBACK_RECOMMENDATIONS }, { 'x-circuit-state': breaker.state });
    }
  };
}

/** Reads the stack's settings; the fallbacks only matter when the module is loaded outside Lambda. */
export function readOptions(env: NodeJS.ProcessEnv): BreakerOptions & { callTimeoutMs: number } {
  const positive = (name: string, fallback: number): number => {
    if (env[name] === undefined) return fallback;
    const value = Number(env[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, got ${env[name]}`);
    return value;
  };
  const callTimeoutMs = positive('CALL_TIMEOUT_MS', 2000);
  return {
    failureThreshold: positive('FAILURE_THRESHOLD', 3),
    successThreshold: positive('SUCCESS_THRESHOLD', 2),
    timeoutMs: positive('OPEN_TIMEOUT_MS', 15_000),
    // A trial call may take the whole call timeout; a second of slack covers the state writes.
    trialLeaseMs: callTimeoutMs + 1000,
    callTimeoutMs,
  };
}

const log = (level: string, message: string, extra: object) => console.log(JSON.stringify({ level, message, ...extra }));
const options = readOptions(process.env);
const store = new DynamoDbStateStore(new DynamoDBClient({}), process.env.STATE_TABLE_NAME ?? '', process.env.CIRCUIT_ID ?? 'downstream');

// Created once per execution environment; the state itself lives in DynamoDB, shared by all of them.
export const handler = createHandler(
  new CircuitBreaker(store, options, Date.now, {
    onStateChange: (from, to) => console.log(stateChangeLine(from, to, process.env.CIRCUIT_ID)),
    onStoreError: (error) => log('ERROR', 'circuit state unavailable; failing open', { error: String(error) }),
  }),
  { downstreamUrl: process.env.DOWNSTREAM_URL || undefined, callTimeoutMs: options.callTimeoutMs },
);
