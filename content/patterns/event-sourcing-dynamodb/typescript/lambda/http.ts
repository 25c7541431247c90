import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Account ids become partition keys: keep them short and printable. */
export const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function logError(message: string, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ level: 'ERROR', message, ...fields }));
}
