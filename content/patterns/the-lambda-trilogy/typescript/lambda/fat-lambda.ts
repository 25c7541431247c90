import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { answer, OPERATIONS, type Operation } from './calculator';
import { toProxyResult } from './proxy-result';

/** "GET /add" -> add: the routing table this one function owns. */
export const ROUTES: ReadonlyMap<string, Operation> = new Map(OPERATIONS.map((op) => [`GET /${op}`, op]));

/**
 * Picks the operation from the API Gateway resource the request matched. The
 * resource template (`/add`) is used rather than the raw path so stage names and
 * custom-domain base paths never change the routing.
 */
export function route(method: string, resource: string): Operation | undefined {
  return ROUTES.get(`${method.toUpperCase()} ${resource}`);
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const operation = route(event.httpMethod, event.resource);
  if (operation === undefined) {
    // Only reachable by invoking the function directly: API Gateway knows the same three routes.
    return toProxyResult({ statusCode: 404, body: { message: `No route for ${event.httpMethod} ${event.resource}.` } });
  }
  return toProxyResult(answer(operation, event.queryStringParameters));
}
