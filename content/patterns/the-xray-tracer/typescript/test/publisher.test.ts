import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Order } from '../lambda/order';
import { createHandler, snsPublisher } from '../lambda/publisher';
import { quietly, recordingTrace } from './recording-trace';

process.env.AWS_REGION ??= 'us-east-1';

const post = (body: string | null) => ({ body }) as APIGatewayProxyEvent;
const valid = '{"orderId":"o-42","customerId":"c-7","total":1250,"currency":"USD"}';

describe('publisher handler', () => {
  test('publishes a valid order inside its own span and returns the ids, including the trace id', async () => {
    const published: Order[] = [];
    const { trace, spans, annotations } = recordingTrace();
    const handler = createHandler(async (order) => {
      published.push(order);
      return 'msg-1';
    }, trace);

    const response = await handler(post(valid));

    assert.equal(response.statusCode, 202);
    assert.deepEqual(JSON.parse(response.body), {
      orderId: 'o-42',
      messageId: 'msg-1',
      traceId: '1-6740a1b2-0123456789abcdef01234567',
    });
    assert.deepEqual(published, [{ orderId: 'o-42', customerId: 'c-7', total: 1250, currency: 'USD' }]);
    assert.deepEqual(spans, ['### publish order']);
    assert.deepEqual(
      annotations.map((a) => [a.key, a.value]),
      [
        ['orderId', 'o-42'],
        ['currency', 'USD'],
        ['accepted', true],
      ],
    );
  });

  test('answers 400 with the reasons, marks the trace as not accepted, and publishes nothing', async () => {
    let calls = 0;
    const { trace, annotated } = recordingTrace();
    const handler = createHandler(async () => String(++calls), trace);
    const response = await handler(post('{"orderId":"o-1"}'));
    assert.equal(response.statusCode, 400);
    assert.ok(JSON.parse(response.body).errors.length >= 3);
    assert.deepEqual(annotated('accepted'), [false]);
    assert.equal(calls, 0);
  });

  test('answers 500 without leaking the SNS error', async () => {
    const handler = createHandler(async () => {
      throw new Error('AuthorizationError: arn:aws:sns:secret-topic');
    }, recordingTrace().trace);
    const { result, logged } = await quietly(() => handler(post(valid)));
    assert.equal(result.statusCode, 500);
    assert.doesNotMatch(result.body, /secret-topic/);
    assert.match(logged.join('\n'), /publish failed/);
  });
});

describe('snsPublisher', () => {
  test('sends the order as the message with total and currency as filterable attributes', async () => {
    const sent: any[] = [];
    const client = { send: async (command: any) => (sent.push(command.input), { MessageId: 'm-9' }) } as unknown as SNSClient;
    const id = await snsPublisher(client, 'arn:topic')({ orderId: 'o-1', customerId: 'c-1', total: 42.5, currency: 'GBP' });
    assert.equal(id, 'm-9');
    assert.deepEqual(sent, [
      {
        TopicArn: 'arn:topic',
        Message: '{"orderId":"o-1","customerId":"c-1","total":42.5,"currency":"GBP"}',
        MessageAttributes: {
          total: { DataType: 'Number', StringValue: '42.5' },
          currency: { DataType: 'String', StringValue: 'GBP' },
        },
      },
    ]);
  });
});
