import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type Query, createReader } from '../lambda/catalog-reader';

process.env.AWS_REGION ??= 'us-east-1';

const NOW = new Date('2026-12-05T10:00:00.000Z');
const config = { tableName: 'Catalog', productTtlSeconds: 300, reviewsTtlSeconds: 60, now: () => NOW };

function request(resource: string, productId: string | undefined, query: Record<string, string> | null = null): APIGatewayProxyEvent {
  return { resource, pathParameters: productId === undefined ? null : { productId }, queryStringParameters: query } as unknown as APIGatewayProxyEvent;
}

type Item = Record<string, AttributeValue>;
const product: Item = {
  productId: { S: 'trail-shoe' },
  sk: { S: 'PRODUCT' },
  name: { S: 'Trail shoe' },
  prices: { M: { USD: { N: '12900' }, EUR: { N: '11900' }, GBP: { N: '9900' } } },
};
const review = (n: number, rating: number): Item => ({
  productId: { S: 'trail-shoe' },
  sk: { S: `REVIEW#2026-12-0${n}T00:00:00.000Z#r${n}` },
  reviewId: { S: `r${n}` },
  rating: { N: String(rating) },
  comment: { S: `review ${n}` },
  createdAt: { S: `2026-12-0${n}T00:00:00.000Z` },
});

/** A stand-in for DynamoDB Query that serves the given pages in order and records each call. */
function pagedQuery(pages: Item[][]): Query & { calls: QueryCommandInput[] } {
  const calls: QueryCommandInput[] = [];
  const query = async (input: QueryCommandInput) => {
    calls.push(input);
    const index = calls.length - 1;
    return { Items: pages[index] ?? [], LastEvaluatedKey: index < pages.length - 1 ? { productId: { S: 'trail-shoe' }, sk: { S: `page${index}` } } : undefined };
  };
  return Object.assign(query, { calls });
}

describe('catalog reader: product', () => {
  test('answers the price in the requested currency with the rating over every page of reviews', async () => {
    const query = pagedQuery([[product, review(1, 5), review(2, 4)], [review(3, 2)]]);
    const response = await createReader(query, config)(request('/products/{productId}', 'trail-shoe', { currency: 'eur' }));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(response.body), {
      productId: 'trail-shoe',
      name: 'Trail shoe',
      price: { currency: 'EUR', amount: '119.00' },
      rating: { average: 3.7, count: 3 },
      generatedAt: '2026-12-05T10:00:00.000Z',
    });
    assert.equal(query.calls.length, 2);
    assert.deepEqual(query.calls[1].ExclusiveStartKey, { productId: { S: 'trail-shoe' }, sk: { S: 'page0' } });
  });

  test('defaults to US dollars and tells clients to cache for the stage TTL', async () => {
    const response = await createReader(pagedQuery([[product]]), config)(request('/products/{productId}', 'trail-shoe'));
    const body = JSON.parse(response.body);
    assert.deepEqual(body.price, { currency: 'USD', amount: '129.00' });
    assert.deepEqual(body.rating, { average: null, count: 0 });
    assert.equal(response.headers['cache-control'], 'public, max-age=300');
  });

  test('refuses an unknown currency or a malformed product id without reading the table', async () => {
    const query = pagedQuery([[product]]);
    const reader = createReader(query, config);
    assert.equal((await reader(request('/products/{productId}', 'trail-shoe', { currency: 'BTC' }))).statusCode, 400);
    assert.equal((await reader(request('/products/{productId}', 'Trail Shoe!'))).statusCode, 400);
    assert.equal((await reader(request('/products/{productId}', 'x'.repeat(65)))).statusCode, 400);
    assert.equal((await reader(request('/products/{productId}', undefined))).statusCode, 400);
    assert.equal(query.calls.length, 0);
  });

  test('answers 404 for a product that does not exist', async () => {
    const response = await createReader(pagedQuery([[]]), config)(request('/products/{productId}', 'no-such-thing'));
    assert.equal(response.statusCode, 404);
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    const original = console.error;
    const logged: string[] = [];
    console.error = (line: string) => logged.push(line);
    try {
      const failing: Query = async () => {
        throw new Error('ProvisionedThroughputExceededException: secret-table-name');
      };
      const response = await createReader(failing, config)(request('/products/{productId}', 'trail-shoe'));
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(response.body, /secret-table-name/);
      assert.match(logged.join(), /secret-table-name/);
      assert.equal(response.headers['cache-control'], undefined);
    } finally {
      console.error = original;
    }
  });
});

describe('catalog reader: reviews', () => {
  test('queries only the newest 20 reviews of the product and caches them for the reviews TTL', async () => {
    const query = pagedQuery([[review(3, 2), review(2, 4)]]);
    const response = await createReader(query, config)(request('/products/{productId}/reviews', 'trail-shoe'));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'public, max-age=60');
    assert.deepEqual(query.calls, [
      {
        TableName: 'Catalog',
        KeyConditionExpression: 'productId = :id AND begins_with(sk, :review)',
        ExpressionAttributeValues: { ':id': { S: 'trail-shoe' }, ':review': { S: 'REVIEW#' } },
        ScanIndexForward: false,
        Limit: 20,
      },
    ]);
    assert.deepEqual(JSON.parse(response.body).reviews, [
      { reviewId: 'r3', rating: 2, comment: 'review 3', createdAt: '2026-12-03T00:00:00.000Z' },
      { reviewId: 'r2', rating: 4, comment: 'review 2', createdAt: '2026-12-02T00:00:00.000Z' },
    ]);
  });
});
