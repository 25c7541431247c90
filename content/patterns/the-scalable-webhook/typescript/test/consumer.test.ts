import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createHandler, dynamoPutOnce, MalformedMessageError, toWebhookRecord, type WebhookRecord } from '../lambda/consumer';

process.env.AWS_REGION ??= 'us-east-1';

function message(messageId: string, body: string, apiRequestId?: string): SQSRecord {
  return {
    messageId,
    body,
    attributes: { SentTimestamp: '1795305600000' },
    messageAttributes: apiRequestId ? { apiRequestId: { stringValue: apiRequestId, dataType: 'String' } } : {},
  } as unknown as SQSRecord;
}

function batch(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** A stand-in for the table: remembers ids and refuses a second put, like the condition does. */
function fakeTable() {
  const stored = new Map<string, WebhookRecord>();
  const putOnce = async (record: WebhookRecord) => {
    if (stored.has(record.messageId)) return 'duplicate' as const;
    stored.set(record.messageId, record);
    return 'created' as const;
  };
  return { stored, putOnce };
}

// The handler logs every batch; keep the test output readable.
let restore: () => void;
beforeEach(() => {
  const { log, error } = console;
  console.log = () => {};
  console.error = () => {};
  restore = () => Object.assign(console, { log, error });
});
afterEach(() => restore());

describe('toWebhookRecord', () => {
  test('keeps the body as received, the SQS send time and the API request id', () => {
    assert.deepEqual(toWebhookRecord(message('m-1', '{"event":"order.paid", "id":7}', 'req-1')), {
      messageId: 'm-1',
      payload: '{"event":"order.paid", "id":7}',
      sentAt: '2026-11-22T00:00:00.000Z',
      apiRequestId: 'req-1',
    });
  });

  test('rejects bodies that are not a JSON object', () => {
    for (const body of ['not json', '[1,2]', 'null', '"text"', '42']) {
      assert.throws(() => toWebhookRecord(message('m', body)), MalformedMessageError, body);
    }
  });
});

describe('consumer handler', () => {
  test('stores a new webhook and reports no failures', async () => {
    const table = fakeTable();
    const result = await createHandler(table.putOnce)(batch(message('m-1', '{"event":"signup"}')));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.equal(table.stored.get('m-1')?.payload, '{"event":"signup"}');
  });

  test('treats a second delivery of the same message as success, leaving one record', async () => {
    const table = fakeTable();
    const handler = createHandler(table.putOnce);
    await handler(batch(message('m-1', '{"event":"signup"}')));
    const result = await handler(batch(message('m-1', '{"event":"signup"}')));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.equal(table.stored.size, 1);
  });

  test('reports only the malformed message as a batch item failure', async () => {
    const table = fakeTable();
    const result = await createHandler(table.putOnce)(
      batch(message('good-1', '{"a":1}'), message('bad', '{oops'), message('good-2', '{"b":2}')),
    );
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'bad' }] });
    assert.deepEqual([...table.stored.keys()], ['good-1', 'good-2']);
  });

  test('reports a message whose write fails so SQS retries just that one', async () => {
    const handler = createHandler(async (record) => {
      if (record.messageId === 'slow') throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return 'created';
    });
    const result = await handler(batch(message('ok', '{"a":1}'), message('slow', '{"a":2}')));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'slow' }] });
  });

  test('writes one message at a time', async () => {
    let inFlight = 0;
    let peak = 0;
    const handler = createHandler(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return 'created';
    });
    await handler(batch(message('1', '{"a":1}'), message('2', '{"a":2}'), message('3', '{"a":3}')));
    assert.equal(peak, 1);
  });
});

describe('dynamoPutOnce', () => {
  const record: WebhookRecord = { messageId: 'm-1', payload: '{"a":1}', sentAt: '2026-11-22T00:00:00.000Z', apiRequestId: 'req-1' };

  function clientThat(send: (command: { input: Record<string, unknown> }) => Promise<unknown>) {
    return { send } as unknown as DynamoDBClient;
  }

  test('puts the item only if no item with that message id exists', async () => {
    let input: Record<string, unknown> = {};
    const putOnce = dynamoPutOnce(
      clientThat(async (command) => {
        input = command.input;
        return {};
      }),
      'messages',
    );
    assert.equal(await putOnce(record), 'created');
    assert.equal(input.TableName, 'messages');
    assert.equal(input.ConditionExpression, 'attribute_not_exists(messageId)');
    assert.deepEqual((input.Item as Record<string, unknown>).messageId, { S: 'm-1' });
    assert.deepEqual((input.Item as Record<string, unknown>).apiRequestId, { S: 'req-1' });
  });

  test('turns a failed condition into a duplicate, not an error', async () => {
    const putOnce = dynamoPutOnce(
      clientThat(async () => {
        throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
      }),
      'messages',
    );
    assert.equal(await putOnce(record), 'duplicate');
  });

  test('lets every other DynamoDB error through', async () => {
    const putOnce = dynamoPutOnce(
      clientThat(async () => {
        throw Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
      }),
      'messages',
    );
    await assert.rejects(putOnce(record), /slow down/);
  });
});
