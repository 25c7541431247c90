import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TransactionCanceledException, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type TransactWrite, createWriter, parseReview } from '../lambda/review-writer';

process.env.AWS_REGION ??= 'us-east-1';

const config = { tableName: 'Catalog', reviewsTtlSeconds: 60, now: () => new Date('2026-12-05T10:00:00.000Z'), newId: () => 'r-1' };

function post(productId: string, body: unknown): APIGatewayProxyEvent {
  return { resource: '/products/{productId}/reviews', pathParameters: { productId }, body: typeof body === 'string' ? body : JSON.stringify(body) } as unknown as APIGatewayProxyEvent;
}

function recorder(): TransactWrite & { calls: TransactWriteItemsCommandInput[] } {
  const calls: TransactWriteItemsCommandInput[] = [];
  return Object.assign(async (input: TransactWriteItemsCommandInput) => {
    calls.push(input);
    return {};
  }, { calls });
}

describe('review writer', () => {
  test('stores the review only if the product exists, in one transaction', async () => {
    const write = recorder();
    const response = await createWriter(write, config)(post('trail-shoe', { rating: 4, comment: '  Grippy on wet rock.  ' }));
    assert.equal(response.statusCode, 201);
    assert.deepEqual(JSON.parse(response.body), {
      productId: 'trail-shoe',
      reviewId: 'r-1',
      createdAt: '2026-12-05T10:00:00.000Z',
      message: 'Saved. Cached review lists show it within 60 seconds.',
    });
    assert.deepEqual(write.calls, [
      {
        TransactItems: [
          {
            ConditionCheck: {
              TableName: 'Catalog',
              Key: { productId: { S: 'trail-shoe' }, sk: { S: 'PRODUCT' } },
              ConditionExpression: 'attribute_exists(productId)',
            },
          },
          {
            Put: {
              TableName: 'Catalog',
              Item: {
                productId: { S: 'trail-shoe' },
                sk: { S: 'REVIEW#2026-12-05T10:00:00.000Z#r-1' },
                reviewId: { S: 'r-1' },
                rating: { N: '4' },
                comment: { S: 'Grippy on wet rock.' },
                createdAt: { S: '2026-12-05T10:00:00.000Z' },
              },
              ConditionExpression: 'attribute_not_exists(sk)',
            },
          },
        ],
      },
    ]);
  });

  test('answers 404 when the product does not exist', async () => {
    const missing: TransactWrite = async () => {
      throw new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      });
    };
    const response = await createWriter(missing, config)(post('ghost', { rating: 3, comment: 'hm' }));
    assert.equal(response.statusCode, 404);
  });

  test('refuses ratings outside 1 to 5, fractional ratings, empty or overlong comments and bad JSON without writing', async () => {
    const write = recorder();
    const writer = createWriter(write, config);
    for (const body of [{ rating: 0, comment: 'x' }, { rating: 6, comment: 'x' }, { rating: 4.5, comment: 'x' }, { rating: '5', comment: 'x' }, { rating: true, comment: 'x' }, { rating: 5, comment: '   ' }, { rating: 5, comment: 'x'.repeat(501) }, '{not json', null]) {
      assert.equal((await writer(post('trail-shoe', body))).statusCode, 400, JSON.stringify(body));
    }
    assert.equal((await writer(post('Not Valid', { rating: 5, comment: 'x' }))).statusCode, 400);
    assert.equal(write.calls.length, 0);
    assert.deepEqual(parseReview(JSON.stringify({ rating: 5, comment: 'x'.repeat(500) })), { rating: 5, comment: 'x'.repeat(500) });
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const failing: TransactWrite = async () => {
        throw new Error('AccessDenied on secret-table-name');
      };
      const response = await createWriter(failing, config)(post('trail-shoe', { rating: 5, comment: 'ok' }));
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(response.body, /secret-table-name/);
    } finally {
      console.error = original;
    }
  });
});
