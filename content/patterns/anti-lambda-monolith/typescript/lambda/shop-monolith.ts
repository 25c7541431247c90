// THE ANTI-PATTERN. One function behind `ANY /{proxy+}` that routes in code: every request, of every
// route, lands here, pays for loading every route's code, and runs with a role that can do what any
// route needs. The route table below is the part API Gateway would do for free.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type HttpHandler, http, readJson } from './http';
import { type Documents, type Reply, createCustomer, deleteCustomer, getCustomer, placeOrder } from './shop';

export type Tables = { customers: string; orders: string };

type Route = {
  method: string;
  pattern: RegExp;
  run(documents: Documents, tables: Tables, params: string[], event: APIGatewayProxyEventV2): Promise<Reply>;
};

// Grows by one entry, and the function's role by one grant, with every feature.
export const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^\/customers$/, run: (d, t, _p, e) => createCustomer(d, t.customers, readJson(e)) },
  { method: 'GET', pattern: /^\/customers\/([^/]+)$/, run: (d, t, [id]) => getCustomer(d, t.customers, id) },
  { method: 'DELETE', pattern: /^\/customers\/([^/]+)$/, run: (d, t, [id]) => deleteCustomer(d, t.customers, id) },
  { method: 'POST', pattern: /^\/customers\/([^/]+)\/orders$/, run: (d, t, [id], e) => placeOrder(d, t, id, readJson(e)) },
];

/** The route of a request, and the path parameters it captured; undefined when none matches. */
export function route(method: string, path: string): { route: Route; params: string[] } | undefined {
  const trimmed = path.replace(/\/+$/, '') || '/';
  for (const candidate of ROUTES) {
    const match = candidate.method === method ? candidate.pattern.exec(trimmed) : null;
    if (match) return { route: candidate, params: match.slice(1) };
  }
  return undefined;
}

export function createMonolith(documents: Documents, tables: Tables): HttpHandler {
  return http(async (event) => {
    const found = route(event.requestContext.http.method, event.rawPath);
    if (!found) return { statusCode: 404, body: { message: 'No such route.' } };
    return found.route.run(documents, tables, found.params, event);
  });
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createMonolith(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
  customers: process.env.CUSTOMERS_TABLE_NAME ?? '',
  orders: process.env.ORDERS_TABLE_NAME ?? '',
});
