import { randomUUID } from 'node:crypto';
import {
  DynamoDBClient,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MAX_COMMENT_LENGTH, PRODUCT_SK, REVIEW_PREFIX, isProductId, json, type JsonResult } from './catalog';

/** The one DynamoDB call the writer makes, so tests can stand in for the client. */
export type TransactWrite = (input: TransactWriteItemsCommandInput) => Promise<unknown>;

export type WriterConfig = { tableName: string; reviewsTtlSeconds: number; now?: () => Date; newId?: () => string };

export type Review = { rating: number; comment: string };

/** The API's request model checks the same rules; the function checks again so it is safe on its own. */
export function parseReview(body: string | null): Review | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { rating, comment } = value as Record<string, unknown>;
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) return undefined;
  if (typeof comment !== 'string' || comment.trim() === '' || comment.length > MAX_COMMENT_LENGTH) return undefined;
  return { rating, comment: comment.trim() };
}

export function createWriter(transactWrite: TransactWrite, config: WriterConfig) {
  const now = config.now ?? (() => new Date());
  const newId = config.newId ?? randomUUID;

  return async (event: APIGatewayProxyEvent): Promise<JsonResult> => {
    const productId = event.pathParameters?.productId;
    if (!isProductId(productId)) return json(400, { message: 'A product id is 1 to 64 lower-case letters, digits or dashes.' });
    const review = parseReview(event.body);
    if (!review) {
      return json(400, { message: `Send {"rating": 1-5, "comment": "1-${MAX_COMMENT_LENGTH} characters"}.` });
    }
    const reviewId = newId();
    const createdAt = now().toISOString();
    try {
      // One transaction: the review is stored only if the product exists, with no read first.
      await transactWrite({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: config.tableName,
              Key: { productId: { S: productId }, sk: { S: PRODUCT_SK } },
              ConditionExpression: 'attribute_exists(productId)',
            },
          },
          {
            Put: {
              TableName: config.tableName,
              Item: {
                productId: { S: productId },
                sk: { S: `${REVIEW_PREFIX}${createdAt}#${reviewId}` },
                reviewId: { S: reviewId },
                rating: { N: String(review.rating) },
                comment: { S: review.comment },
                createdAt: { S: createdAt },
              },
              ConditionExpression: 'attribute_not_exists(sk)',
            },
          },
        ],
      });
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        return json(404, { message: `No product ${productId}.` });
      }
      console.error(JSON.stringify({ level: 'ERROR', message: 'review write failed', productId, error: String(error) }));
      return json(500, { message: 'The review could not be saved right now.' });
    }
    // The write does not touch the cache: cached lists catch up when their TTL runs out.
    return json(201, {
      productId,
      reviewId,
      createdAt,
      message: `Saved. Cached review lists show it within ${config.reviewsTtlSeconds} seconds.`,
    });
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
const client = new DynamoDBClient({});
export const handler = createWriter((input) => client.send(new TransactWriteItemsCommand(input)), {
  tableName: process.env.TABLE_NAME ?? '',
  reviewsTtlSeconds: Number(process.env.REVIEWS_TTL_SECONDS ?? 0),
});
