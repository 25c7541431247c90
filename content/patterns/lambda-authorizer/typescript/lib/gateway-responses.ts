import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';

const JSON_TYPE = { 'Content-Type': "'application/json'" };

/** A JSON body with the request id a caller can quote; API Gateway fills in $context at request time. */
function body(message: string): Record<string, string> {
  return { 'application/json': `{"message":"${message}","requestId":"$context.requestId"}` };
}

/**
 * Replaces API Gateway's default error bodies with JSON that tells a caller what to do and
 * carries no internals: no authorizer error text, no function names, no stack traces.
 */
export function addJsonGatewayResponses(api: RestApi): void {
  api.addGatewayResponse('UnauthorizedResponse', {
    type: ResponseType.UNAUTHORIZED,
    statusCode: '401',
    // RFC 6750: a protected resource answers a missing or bad token with this challenge.
    responseHeaders: { ...JSON_TYPE, 'WWW-Authenticate': '\'Bearer error="invalid_token"\'' },
    templates: body('Unauthorized: send a valid, unexpired bearer token in the Authorization header'),
  });
  api.addGatewayResponse('AccessDeniedResponse', {
    type: ResponseType.ACCESS_DENIED,
    statusCode: '403',
    responseHeaders: JSON_TYPE,
    templates: body('Forbidden: this token does not allow that request'),
  });
  // The authorizer could not decide (key set unreachable, timeout, crash): a retry may succeed.
  for (const [id, type] of [
    ['AuthorizerFailureResponse', ResponseType.AUTHORIZER_FAILURE],
    ['AuthorizerConfigurationErrorResponse', ResponseType.AUTHORIZER_CONFIGURATION_ERROR],
  ] as const) {
    api.addGatewayResponse(id, {
      type,
      statusCode: '500',
      responseHeaders: JSON_TYPE,
      templates: body('Authorization is temporarily unavailable; retry later'),
    });
  }
  api.addGatewayResponse('Default4xxResponse', {
    type: ResponseType.DEFAULT_4XX,
    responseHeaders: JSON_TYPE,
    // messageString is API Gateway's own text for the error (e.g. Missing Authentication Token), already quoted.
    templates: { 'application/json': '{"message":$context.error.messageString,"requestId":"$context.requestId"}' },
  });
  api.addGatewayResponse('Default5xxResponse', {
    type: ResponseType.DEFAULT_5XX,
    responseHeaders: JSON_TYPE,
    templates: body('Internal server error'),
  });
}
