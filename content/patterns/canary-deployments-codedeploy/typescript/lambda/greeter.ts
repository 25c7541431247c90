import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Change this word and run `cdk deploy`: the new code becomes a new version, and CodeDeploy shifts callers to it. */
export const GREETING = 'Hello';

/** The greeting names the version that served it, so a caller can see the traffic shift. */
export function createHandler(version: string) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (event.requestContext.http.method !== 'GET') {
      return json(405, { message: 'Only GET is answered.' }, { allow: 'GET' });
    }
    return json(200, { message: `${GREETING} from version ${version}.`, version });
  };
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

// Lambda sets the published version number ("7") in every execution environment of that version.
export const handler = createHandler(process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST');
