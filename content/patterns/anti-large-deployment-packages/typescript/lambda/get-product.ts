import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The one table read the handler makes, so tests can stand in for DynamoDB. */
export type FindProduct = (productId: string) => Promise<Record<string, unknown> | undefined>;

/** Product ids are short slugs; anything else is refused before it reaches the table. */
export const PRODUCT_ID = /^[A-Za-z0-9-]{1,64}$/;

export function dynamoFind(client: DynamoDBDocumentClient, tableName: string): FindProduct {
  return async (productId) => {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: { productId } }));
    return result.Item;
  };
}

export function createHandler(find: FindProduct) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const productId = event.pathParameters?.productId ?? '';
    if (!PRODUCT_ID.test(productId)) {
      return json(400, { message: 'A product id is 1 to 64 letters, digits or dashes.' });
    }
    try {
      const product = await find(productId);
      if (!product) return json(404, { message: `No product ${productId}.` });
      return json(200, product);
    } catch (error) {
      // Log the cause for operators; keep internals out of the public response.
      console.error(JSON.stringify({ level: 'ERROR', message: 'product lookup failed', productId, error: String(error) }));
      return json(500, { message: 'Products are unavailable right now.' });
    }
  };
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

// Created once per execution environment, so warm invocations reuse the connection.
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = createHandler(dynamoFind(documents, process.env.PRODUCTS_TABLE_NAME ?? ''));
