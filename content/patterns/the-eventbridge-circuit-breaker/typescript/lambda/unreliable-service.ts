import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** A stand-in for a flaky third-party API, so the demo needs nothing outside the stack. */
export type Behaviour = 'succeed' | 'fail' | 'stall';

export interface UnreliableConfig {
  /** Share of calls, 0 to 1, that go wrong; half of those fail at once, half stall. */
  failureRate: number;
  stallMs: number;
}

/** `fail=true|slow|false` forces an outcome, so a demo does not depend on luck. */
export function chooseBehaviour(fail: string | undefined, failureRate: number, random: () => number): Behaviour {
  if (fail === 'true') return 'fail';
  if (fail === 'slow') return 'stall';
  if (fail === 'false') return 'succeed';
  const roll = random();
  if (roll < failureRate / 2) return 'fail';
  if (roll < failureRate) return 'stall';
  return 'succeed';
}

export function createHandler(
  config: UnreliableConfig,
  random: () => number = Math.random,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const behaviour = chooseBehaviour(event.queryStringParameters?.fail, config.failureRate, random);
    const headers = { 'content-type': 'application/json' };
    if (behaviour === 'fail') {
      return { statusCode: 503, headers, body: JSON.stringify({ message: 'The unreliable service is having a bad moment.' }) };
    }
    // Stalling is the expensive kind of failure: callers wait, and pay, until their timeout.
    if (behaviour === 'stall') await sleep(config.stallMs);
    return { statusCode: 200, headers, body: JSON.stringify({ message: 'The unreliable service answered.', behaviour }) };
  };
}

export const handler = createHandler({
  failureRate: Number(process.env.FAILURE_RATE ?? '0.5'),
  stallMs: Number(process.env.STALL_MS ?? '4000'),
});
