import { type AttributeValue, DynamoDBClient, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  CURRENCIES,
  type Currency,
  DEFAULT_CURRENCY,
  PRODUCT_SK,
  REVIEW_PREFIX,
  REVIEWS_PAGE_SIZE,
  isProductId,
  json,
  type JsonResult,
} from './catalog';

/** The one DynamoDB call the reader makes, so tests can stand in for the client. */
export type Query = (input: QueryCommandInput) => Promise<Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey'>>;

export type ReaderConfig = {
  tableName: string;
  /** The TTLs API Gateway caches these answers for; told to clients too, so browsers don't re-ask sooner. */
  productTtlSeconds: number;
  reviewsTtlSeconds: number;
  now?: () => Date;
};

type Item = Record<string, AttributeValue>;

/**
 * Everything stored for one product: its details and every review. Reading all of it on each
 * request is the deliberately expensive part the stage cache saves; it grows with the reviews.
 */
async function productItems(query: Query, tableName: string, productId: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await query({
      TableName: tableName,
      KeyConditionExpression: 'productId = :id',
      ExpressionAttributeValues: { ':id': { S: productId } },
      ExclusiveStartKey: startKey,
    });
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export function summarise(items: Item[], productId: string, currency: Currency) {
  const product = items.find((i) => i.sk?.S === PRODUCT_SK);
  if (!product) return undefined;
  const cents = product.prices?.M?.[currency]?.N;
  const ratings = items.filter((i) => i.sk?.S?.startsWith(REVIEW_PREFIX)).map((i) => Number(i.rating?.N));
  const average = ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10 : null;
  return {
    productId,
    name: product.name?.S ?? productId,
    price: cents === undefined ? null : { currency, amount: (Number(cents) / 100).toFixed(2) },
    rating: { average, count: ratings.length },
  };
}

export function createReader(query: Query, config: ReaderConfig) {
  const now = config.now ?? (() => new Date());
  const cacheFor = (seconds: number) => ({ 'cache-control': `public, max-age=${seconds}` });

  return async (event: APIGatewayProxyEvent): Promise<JsonResult> => {
    const productId = event.pathParameters?.productId;
    if (!isProductId(productId)) return json(400, { message: 'A product id is 1 to 64 lower-case letters, digits or dashes.' });
    try {
      if (event.resource === '/products/{productId}') {
        const currency = (event.queryStringParameters?.currency ?? DEFAULT_CURRENCY).toUpperCase();
        if (!(CURRENCIES as readonly string[]).includes(currency)) {
          return json(400, { message: `currency must be one of ${CURRENCIES.join(', ')}.` });
        }
        const summary = summarise(await productItems(query, config.tableName, productId), productId, currency as Currency);
        if (!summary) return json(404, { message: `No product ${productId}.` });
        // generatedAt shows a caller whether the answer came from the cache: it stays put on a hit.
        return json(200, { ...summary, generatedAt: now().toISOString() }, cacheFor(config.productTtlSeconds));
      }
      if (event.resource === '/products/{productId}/reviews') {
        const page = await query({
          TableName: config.tableName,
          KeyConditionExpression: 'productId = :id AND begins_with(sk, :review)',
          ExpressionAttributeValues: { ':id': { S: productId }, ':review': { S: REVIEW_PREFIX } },
          ScanIndexForward: false,
          Limit: REVIEWS_PAGE_SIZE,
        });
        const reviews = (page.Items ?? []).map((i) => ({
          reviewId: i.reviewId?.S,
          rating: Number(i.rating?.N),
          comment: i.comment?.S ?? '',
          createdAt: i.createdAt?.S,
        }));
        return json(200, { productId, reviews, generatedAt: now().toISOString() }, cacheFor(config.reviewsTtlSeconds));
      }
      return json(404, { message: 'Not found.' });
    } catch (error) {
      // Log the cause for operators; keep table names and SDK messages out of the answer.
      console.error(JSON.stringify({ level: 'ERROR', message: 'catalog read failed', productId, error: String(error) }));
      return json(500, { message: 'The catalog is unavailable right now.' });
    }
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
const client = new DynamoDBClient({});
export const handler = createReader((input) => client.send(new QueryCommand(input)), {
  tableName: process.env.TABLE_NAME ?? '',
  productTtlSeconds: Number(process.env.PRODUCT_TTL_SECONDS ?? 0),
  reviewsTtlSeconds: Number(process.env.REVIEWS_TTL_SECONDS ?? 0),
});
