import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// A stand-in for a flaky recommendation service, so the demo needs nothing outside the stack.

export type Outcome = 'ok' | 'error' | 'slow';

/** `fail=true` always errors, `fail=slow` always stalls, `fail=false` always works; otherwise roll the dice. */
export function pickOutcome(fail: string | undefined, failureRate: number, random: () => number): Outcome {
  if (fail === 'true') return 'error';
  if (fail === 'slow') return 'slow';
  if (fail === 'false') return 'ok';
  return random() < failureRate ? 'error' : 'ok';
}

const RECOMMENDATIONS = ['Trail running shoes', 'Insulated bottle', 'Headlamp', 'Merino socks'];

export function createHandler(
  failureRate: number,
  stallMs: number,
  random: () => number = Math.random,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const outcome = pickOutcome(event.queryStringParameters?.fail, failureRate, random);
    const headers = { 'content-type': 'application/json' };
    if (outcome === 'error') {
      return { statusCode: 500, headers, body: JSON.stringify({ message: 'The recommendation engine fell over.' }) };
    }
    if (outcome === 'slow') await sleep(stallMs);
    // Personalised in a real service; a fixed list is enough to tell it apart from the fallback.
    return { statusCode: 200, headers, body: JSON.stringify({ recommendations: RECOMMENDATIONS }) };
  };
}

export const handler = createHandler(Number(process.env.FAILURE_RATE ?? '0.5'), Number(process.env.STALL_MS ?? '5000'));
