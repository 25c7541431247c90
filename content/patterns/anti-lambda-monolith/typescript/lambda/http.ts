// The HTTP edge both stacks share: JSON in, JSON out, and failures that never leak their cause.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BadRequest, type Reply } from './shop';

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The request body as JSON; API Gateway base64-encodes bodies it does not take for text. */
export function readJson(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): unknown {
  if (!event.body) throw new BadRequest('A JSON body is required.');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('The body is not valid JSON.');
  }
}

export function toResponse({ statusCode, body }: Reply): APIGatewayProxyStructuredResultV2 {
  return body === undefined
    ? { statusCode }
    : { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Runs an operation: a BadRequest becomes a 400, anything else a plain 500 with the cause in the logs only. */
export function http(operation: (event: APIGatewayProxyEventV2) => Promise<Reply>): HttpHandler {
  return async (event) => {
    try {
      return toResponse(await operation(event));
    } catch (error) {
      if (error instanceof BadRequest) return toResponse({ statusCode: 400, body: { message: error.message } });
      console.error(JSON.stringify({ level: 'ERROR', message: 'request failed', route: event.routeKey, error: String(error) }));
      return toResponse({ statusCode: 500, body: { message: 'Something went wrong; try again later.' } });
    }
  };
}
