import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CALLER_SOURCE, type FailureReason, SERVICE_CALL_FAILED, type ServiceCallFailedDetail } from './breaker-events';

export interface BreakerPolicy {
  /** Failures inside the window that open the circuit. */
  failureThreshold: number;
  windowMs: number;
}

export type Circuit =
  | { state: 'CLOSED'; recentFailures: number }
  | { state: 'OPEN'; recentFailures: number; retryAfterSeconds: number };

export type CallOutcome =
  | { ok: true; statusCode: number; body: string; durationMs: number }
  | { ok: false; reason: FailureReason; statusCode?: number; durationMs: number; message: string };

export interface CallerConfig {
  serviceName: string;
  /** Absent: call this API's own /unreliable route, found from the incoming request. */
  serviceUrl?: string;
  timeoutMs: number;
  policy: BreakerPolicy;
}

/** Everything the handler needs from the outside world, so tests can replace each piece. */
export interface CallerDeps {
  /** Epoch milliseconds of the most recent failures of `service` after `sinceIso`, at most `limit` of them. */
  recentFailures: (service: string, sinceIso: string, limit: number) => Promise<number[]>;
  call: (url: string) => Promise<CallOutcome>;
  reportFailure: (detail: ServiceCallFailedDetail) => Promise<void>;
  now: () => number;
}

/**
 * The breaker's decision. The circuit is open while at least `failureThreshold` failures lie inside
 * the window that ends now. Nobody closes it: it closes by itself when enough failures have aged out,
 * and `retryAfterSeconds` says when that will happen if nothing else fails meanwhile.
 */
export function decide(failureTimes: number[], now: number, policy: BreakerPolicy): Circuit {
  const windowStartsAt = now - policy.windowMs;
  // A failure stamped slightly in the future (clock skew between functions) counts as happening now.
  const recent = failureTimes
    .filter((t) => t > windowStartsAt)
    .map((t) => Math.min(t, now))
    .sort((a, b) => b - a);
  if (recent.length < policy.failureThreshold) return { state: 'CLOSED', recentFailures: recent.length };
  // Below the threshold again once the threshold-th most recent failure leaves the window.
  const leavesWindowAt = recent[policy.failureThreshold - 1] + policy.windowMs;
  return {
    state: 'OPEN',
    recentFailures: recent.length,
    retryAfterSeconds: Math.max(1, Math.ceil((leavesWindowAt - now) / 1000)),
  };
}

export function windowStart(now: number, policy: BreakerPolicy): string {
  return new Date(now - policy.windowMs).toISOString();
}

/** Server errors and throttling say the dependency is unwell; other answers, even 4xx, say it is up. */
export function countsAsFailure(statusCode: number): boolean {
  return statusCode >= 500 || statusCode === 429;
}

export async function callService(
  url: string,
  timeoutMs: number,
  fetchFn: typeof fetch = fetch,
  clock: () => number = Date.now,
): Promise<CallOutcome> {
  const started = clock();
  try {
    const response = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    const durationMs = clock() - started;
    if (!countsAsFailure(response.status)) return { ok: true, statusCode: response.status, body, durationMs };
    return { ok: false, reason: 'status', statusCode: response.status, durationMs, message: `HTTP ${response.status}` };
  } catch (error) {
    const durationMs = clock() - started;
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return timedOut
      ? { ok: false, reason: 'timeout', durationMs, message: `no answer within ${timeoutMs} ms` }
      : { ok: false, reason: 'network', durationMs, message: String(error) };
  }
}

export function targetUrl(config: CallerConfig, event: APIGatewayProxyEvent): string {
  if (config.serviceUrl) return config.serviceUrl;
  const { domainName, stage } = event.requestContext;
  const url = new URL(`https://${domainName}/${stage}/unreliable`);
  // Lets a demo force the stand-in service to fail (fail=true), stall (fail=slow) or succeed (fail=false).
  const fail = event.queryStringParameters?.fail;
  if (fail) url.searchParams.set('fail', fail);
  return url.toString();
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, extra: object): void {
  console.log(JSON.stringify({ level, message, ...extra }));
}

export function createHandler(deps: CallerDeps, config: CallerConfig) {
  const { policy, serviceName } = config;
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    let circuit: Circuit = { state: 'CLOSED', recentFailures: 0 };
    try {
      const failures = await deps.recentFailures(serviceName, windowStart(deps.now(), policy), policy.failureThreshold);
      circuit = decide(failures, deps.now(), policy);
    } catch (error) {
      // Fail open: if the breaker's own state cannot be read, the dependency still deserves a try.
      log('WARN', 'could not read the circuit state; calling the service anyway', { error: String(error) });
    }

    if (circuit.state === 'OPEN') {
      log('INFO', 'circuit open, failing fast', { service: serviceName, recentFailures: circuit.recentFailures });
      return json(
        503,
        {
          circuit: 'OPEN',
          message: `${serviceName} failed at least ${policy.failureThreshold} times in the last ${policy.windowMs / 1000} seconds, so it was not called.`,
          retryAfterSeconds: circuit.retryAfterSeconds,
        },
        { 'retry-after': String(circuit.retryAfterSeconds) },
      );
    }

    const outcome = await deps.call(targetUrl(config, event));
    if (outcome.ok) {
      return json(200, {
        circuit: 'CLOSED',
        serviceStatus: outcome.statusCode,
        durationMs: outcome.durationMs,
        serviceResponse: parseBody(outcome.body),
      });
    }

    const detail: ServiceCallFailedDetail = {
      service: serviceName,
      failedAt: new Date(deps.now()).toISOString(),
      reason: outcome.reason,
      statusCode: outcome.statusCode,
      durationMs: outcome.durationMs,
      message: outcome.message,
      requestId: event.requestContext.requestId,
    };
    try {
      await deps.reportFailure(detail);
    } catch (error) {
      // The caller has already lost this call; an unrecorded failure only makes the breaker more lenient.
      log('ERROR', 'could not publish the failure event', { error: String(error), detail });
    }
    return json(502, { circuit: 'CLOSED', message: `${serviceName} failed: ${outcome.message}.`, reason: outcome.reason });
  };
}

export function dynamoRecentFailures(client: DynamoDBClient, tableName: string): CallerDeps['recentFailures'] {
  return async (service, sinceIso, limit) => {
    // The key condition does the time filtering; TTL only tidies up and may lag by days.
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#service = :service AND failedAt > :since',
        ExpressionAttributeNames: { '#service': 'service' },
        ExpressionAttributeValues: { ':service': { S: service }, ':since': { S: sinceIso } },
        ProjectionExpression: 'failedAt',
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => Date.parse(String(item.failedAt?.S).split('#')[0]));
  };
}

export function eventBridgeReport(client: EventBridgeClient, eventBusName: string): CallerDeps['reportFailure'] {
  return async (detail) => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: eventBusName, Source: CALLER_SOURCE, DetailType: SERVICE_CALL_FAILED, Detail: JSON.stringify(detail) }],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`PutEvents refused the entry: ${result.Entries?.[0]?.ErrorCode}`);
  };
}

/** Reads the stack's settings; the fallbacks only matter when the module is loaded outside Lambda. */
export function readConfig(env: NodeJS.ProcessEnv): CallerConfig {
  const positive = (name: string, fallback: number): number => {
    if (env[name] === undefined) return fallback;
    const value = Number(env[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, got ${env[name]}`);
    return value;
  };
  return {
    serviceName: env.SERVICE_NAME || 'unreliable-service',
    serviceUrl: env.SERVICE_URL || undefined,
    timeoutMs: positive('SERVICE_TIMEOUT_MS', 2000),
    policy: { failureThreshold: positive('FAILURE_THRESHOLD', 3), windowMs: positive('WINDOW_SECONDS', 60) * 1000 },
  };
}

const config = readConfig(process.env);
export const handler = createHandler(
  {
    recentFailures: dynamoRecentFailures(new DynamoDBClient({}), process.env.FAILURES_TABLE_NAME ?? ''),
    call: (url) => callService(url, config.timeoutMs),
    reportFailure: eventBridgeReport(new EventBridgeClient({}), process.env.EVENT_BUS_NAME ?? ''),
    now: () => Date.now(),
  },
  config,
);
