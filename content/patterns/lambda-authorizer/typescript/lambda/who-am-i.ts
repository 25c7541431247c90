import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

/**
 * The protected backend. It does no token work of its own: by the time it runs, the authorizer
 * has verified the token, and API Gateway passes the verified claims in requestContext.authorizer.
 */
export const handler = async (event: Pick<APIGatewayProxyEvent, 'requestContext'>): Promise<APIGatewayProxyResult> => {
  const claims = event.requestContext?.authorizer;
  const subject = claims?.sub;
  if (typeof subject !== 'string' || subject.length === 0) {
    // Only reachable if the method lost its authorizer: a deployment mistake, so fail loudly.
    console.error('no authorizer context on the request; is the method still protected?');
    return json(500, { message: 'Internal server error' });
  }
  const scope = typeof claims?.scope === 'string' ? claims.scope : '';
  return json(200, {
    subject,
    scopes: scope.split(' ').filter((s) => s.length > 0),
    message: `Hello ${subject}, your token was verified before this function ran.`,
  });
};
