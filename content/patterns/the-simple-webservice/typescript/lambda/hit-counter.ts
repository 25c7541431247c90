import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The one DynamoDB call the handler makes, so tests can stand in for the client. */
export type IncrementHits = (path: string) => Promise<number>;

/**
 * Longest normalised path that is counted. DynamoDB refuses partition keys over 2048 bytes,
 * and every distinct path is a stored item, so longer paths are turned away up front.
 */
export const MAX_PATH_LENGTH = 256;

/** Paths differ only by a trailing slash or case in practice; count them as one. */
export function normalisePath(rawPath: string | undefined): string {
  const path = (rawPath ?? '/').trim().toLowerCase().replace(/\/+$/, '');
  return path === '' ? '/' : path;
}

export function dynamoIncrement(client: DynamoDBClient, tableName: string): IncrementHits {
  return async (path) => {
    // ADD is atomic on the server, so concurrent requests never lose a hit.
    const result = await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { path: { S: path } },
        UpdateExpression: 'ADD hits :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const hits = result.Attributes?.hits?.N;
    if (hits === undefined) throw new Error(`DynamoDB returned no hit count for ${path}`);
    return Number(hits);
  };
}

export function createHandler(increment: IncrementHits) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (event.requestContext.http.method !== 'GET') {
      return json(405, { message: 'Only GET is counted; send a GET request to any path.' }, { allow: 'GET' });
    }
    const path = normalisePath(event.rawPath);
    if (path.length > MAX_PATH_LENGTH) {
      return json(414, { message: `Paths longer than ${MAX_PATH_LENGTH} characters are not counted.` });
    }
    try {
      const hits = await increment(path);
      return json(200, { path, hits, message: `You have visited ${path} ${hits} time${hits === 1 ? '' : 's'}.` });
    } catch (error) {
      // Log the cause for operators; keep internals out of the public response.
      console.error(JSON.stringify({ level: 'ERROR', message: 'hit count failed', path, error: String(error) }));
      return json(500, { message: 'The hit counter is unavailable right now.' });
    }
  };
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

// Created once per execution environment, so warm invocations reuse the connection.
const tableName = process.env.HITS_TABLE_NAME ?? '';
export const handler = createHandler(dynamoIncrement(new DynamoDBClient({}), tableName));
