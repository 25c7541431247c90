import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Answer } from './calculator';

/** Turns a domain answer into what a REST API Lambda proxy integration expects back. */
export function toProxyResult({ statusCode, body }: Answer): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
