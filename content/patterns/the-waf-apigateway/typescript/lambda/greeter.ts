import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** Letters (any script), spaces, hyphens and apostrophes; enough for real names, nothing for markup. */
const NAME = /^[\p{L}][\p{L} '-]{0,39}$/u;

export type Greeting = { ok: true; message: string } | { ok: false; reason: string };

/** Builds the greeting for an optional `name` query value. */
export function greetingFor(rawName: string | undefined | null): Greeting {
  const name = (rawName ?? '').trim().replace(/\s+/g, ' ');
  if (name === '') return { ok: true, message: 'Hello, world!' };
  if (!NAME.test(name)) {
    return { ok: false, reason: 'name must be 1 to 40 letters, spaces, hyphens or apostrophes' };
  }
  return { ok: true, message: `Hello, ${name}!` };
}

export function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const greeting = greetingFor(event.queryStringParameters?.name);
  // The caller's address is what the web ACL's rate-based rule counts requests by.
  const yourIp = event.requestContext?.identity?.sourceIp;
  if (!greeting.ok) return Promise.resolve(json(400, { message: greeting.reason }));
  return Promise.resolve(json(200, { message: greeting.message, yourIp }));
}

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
