import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { answer, type Operation } from './calculator';
import { toProxyResult } from './proxy-result';

/**
 * A handler that can only ever do one thing. API Gateway has already picked the
 * route, so there is nothing to dispatch on: the operation is fixed at build time.
 */
export function singlePurposeHandler(operation: Operation) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
    toProxyResult(answer(operation, event.queryStringParameters));
}
