import type { APIGatewayProxyEvent } from 'aws-lambda';

// Events shaped like the ones API Gateway (REST, Lambda proxy) delivers to the function,
// with the parts each kind of authorization fills in.

export const USER_SUB = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
export const OTHER_SUB = '0f8fad5b-d9cb-469f-a165-70867728950e';
export const SERVICE_ARN =
  'arn:aws:sts::123456789012:assumed-role/ApiAuthorizationCognitoIamStack-OrdersServiceRole4E2FF91C-AbCdEf123456/orders-service';

type Options = {
  method: 'GET' | 'POST';
  resource: '/orders' | '/internal/orders/{owner}';
  owner?: string;
  body?: string;
  claims?: Record<string, string>;
  service?: boolean;
};

export function accessTokenClaims(scope: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    sub: USER_SUB,
    iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI',
    version: '2',
    client_id: '5mq7example0client0id0a1b2c',
    origin_jti: 'b6f43a3e-0e1c-4c3f-9b55-7b8e9f1d2c3a',
    event_id: '3c1b2a49-5a43-4a6b-8e3f-4a5b6c7d8e9f',
    token_use: 'access',
    scope,
    auth_time: '1796463000',
    exp: 'Sat Dec 05 17:30:00 UTC 2026',
    iat: 'Sat Dec 05 16:30:00 UTC 2026',
    jti: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
    username: USER_SUB,
    ...overrides,
  };
}

export function apiEvent({ method, resource, owner, body, claims, service }: Options): APIGatewayProxyEvent {
  const path = resource === '/orders' ? '/orders' : `/internal/orders/${owner ?? ''}`;
  return {
    resource,
    path,
    httpMethod: method,
    headers: {
      Accept: '*/*',
      Host: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
      'User-Agent': service ? 'awscurl/0.36' : 'curl/8.7.1',
      ...(claims ? { Authorization: 'eyJraWQiOi...redacted' } : {}),
      ...(service ? { Authorization: 'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261205/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=0123abcd' } : {}),
    },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: resource === '/orders' ? null : { owner: owner ?? '' },
    stageVariables: null,
    requestContext: {
      resourceId: 'abc123',
      resourcePath: resource,
      httpMethod: method,
      extendedRequestId: 'Dq3x0gYxIAMEbcQ=',
      requestTime: '05/Dec/2026:16:31:02 +0000',
      path: `/v1${path}`,
      accountId: '123456789012',
      protocol: 'HTTP/1.1',
      stage: 'v1',
      domainPrefix: 'a1b2c3d4e5',
      requestTimeEpoch: 1796463062000,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      identity: {
        cognitoIdentityPoolId: null,
        accountId: service ? '123456789012' : null,
        cognitoIdentityId: null,
        caller: service ? 'AROAEXAMPLEROLEID:orders-service' : null,
        sourceIp: '203.0.113.7',
        principalOrgId: null,
        accessKey: service ? 'ASIAEXAMPLEKEY' : null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: service ? SERVICE_ARN : null,
        userAgent: service ? 'awscurl/0.36' : 'curl/8.7.1',
        user: service ? 'AROAEXAMPLEROLEID:orders-service' : null,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
      apiId: 'a1b2c3d4e5',
      authorizer: claims ? { claims } : null,
    } as unknown as APIGatewayProxyEvent['requestContext'],
    body: body ?? null,
    isBase64Encoded: false,
  };
}
