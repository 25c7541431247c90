import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/**
 * A REST API (payload 1.0) Lambda proxy event, as API Gateway sends it. `resource` is
 * the matched route template, `path` the real path; query values fill both the
 * single- and multi-value maps, as they do in AWS.
 */
export function proxyEvent(
  method: string,
  resource: string,
  path: string,
  query: Record<string, string | string[]> = {},
): APIGatewayProxyEvent {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    const values = [value].flat();
    multi[key] = values;
    single[key] = values[values.length - 1] ?? '';
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    httpMethod: method,
    resource,
    path,
    pathParameters: resource === '/{proxy+}' ? { proxy: path.replace(/^\//, '') } : null,
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    headers: { Accept: 'application/json', Host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
    multiValueHeaders: { Accept: ['application/json'], Host: ['abc123.execute-api.eu-west-1.amazonaws.com'] },
    body: null,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      httpMethod: method,
      path: `/prod${path}`,
      resourcePath: resource,
      stage: 'prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      identity: { sourceIp: '203.0.113.7' },
    },
  } as unknown as APIGatewayProxyEvent;
}

export const lambdaContext = {
  functionName: 'under-test',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  callbackWaitsForEmptyEventLoop: true,
} as unknown as Context;
