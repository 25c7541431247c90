import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Adds one visit to a page and resolves to the page's new total. */
export type RecordVisit = (page: string) => Promise<number>;

/** One counter per page: lower-case, no trailing slash, and "/" for the root. */
export function pageKey(rawPath: string | undefined): string {
  const trimmed = (rawPath ?? '').trim().toLowerCase();
  const withoutSlashes = trimmed.replace(/\/+$/, '');
  return withoutSlashes.startsWith('/') ? withoutSlashes : `/${withoutSlashes}`;
}

export function visitRecorder(client: Pick<DynamoDBClient, 'send'>, tableName: string): RecordVisit {
  return async (page) => {
    // ADD runs on the server, so simultaneous visits are all counted.
    const { Attributes } = await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { path: { S: page } },
        UpdateExpression: 'ADD hits :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const total = Number(Attributes?.hits?.N);
    if (!Number.isInteger(total)) throw new Error(`no hit count came back for ${page}`);
    return total;
  };
}

export function createHandler(recordVisit: RecordVisit) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext.http.method;
    if (method !== 'GET') {
      // Counted by the dashboard as a 4xx, and never as a write.
      return reply(405, { message: `${method} is not counted; use GET.` }, { allow: 'GET' });
    }
    const page = pageKey(event.rawPath);
    try {
      const hits = await recordVisit(page);
      return reply(200, { page, hits });
    } catch (error) {
      // Lambda's JSON log format turns this into a line with level ERROR, which the
      // dashboard's Logs Insights widget filters on.
      console.error(`visit not recorded for ${page}: ${String(error)}`);
      return reply(500, { message: 'The counter is unavailable; try again shortly.' });
    }
  };
}

function reply(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

// Built once per execution environment so warm invocations reuse the client and its connections.
export const handler = createHandler(visitRecorder(new DynamoDBClient({}), process.env.HITS_TABLE_NAME ?? ''));
