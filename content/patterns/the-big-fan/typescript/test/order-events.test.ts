import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { acceptsCreated, handler as createdHandler } from '../lambda/created-orders';
import {
  InvalidOrderEvent,
  createConsumer,
  parseNotification,
  parseOrderEvent,
  type OrderEvent,
} from '../lambda/order-events';
import { acceptsUpdate, handler as updatesHandler } from '../lambda/order-updates';

/** The SQS body SNS writes when raw message delivery is off. */
/** Pass `null` as the status to leave the attribute out altogether. */
function envelope(message: unknown, status: string | null = (message as OrderEvent).status, messageId = 'sns-1') {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:OrderEvents',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: '2026-11-22T10:00:00.000Z',
    ...(status === null ? {} : { MessageAttributes: { status: { Type: 'String', Value: status } } }),
  });
}

function record(messageId: string, body: string): SQSRecord {
  return { messageId, body, attributes: { ApproximateReceiveCount: '1' } } as unknown as SQSRecord;
}

function batch(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

const newOrder: OrderEvent = { orderId: 'ord-1001', status: 'created', total: 42.5 };
const shipped: OrderEvent = { orderId: 'ord-1001', status: 'shipped', total: 42.5 };

let logged: string[] = [];
const originals = { info: console.info, error: console.error };
beforeEach(() => {
  logged = [];
  console.info = (line: string) => logged.push(line);
  console.error = (line: string) => logged.push(line);
});
afterEach(() => {
  console.info = originals.info;
  console.error = originals.error;
});

describe('parseNotification', () => {
  test('reads the message and the status attribute out of the SNS envelope', () => {
    assert.deepEqual(parseNotification(envelope(newOrder)), {
      messageId: 'sns-1',
      message: JSON.stringify(newOrder),
      statusAttribute: 'created',
    });
  });

  test('reports a missing status attribute as undefined', () => {
    assert.equal(parseNotification(envelope(newOrder, null)).statusAttribute, undefined);
  });

  test('rejects bodies that are not SNS notifications', () => {
    assert.throws(() => parseNotification('not json'), InvalidOrderEvent);
    // What a raw-delivery subscription would hand over: the bare order.
    assert.throws(() => parseNotification(JSON.stringify(newOrder)), InvalidOrderEvent);
    assert.throws(() => parseNotification(JSON.stringify({ Type: 'SubscriptionConfirmation', Message: 'x' })), InvalidOrderEvent);
  });
});

describe('parseOrderEvent', () => {
  test('accepts an order that the API model accepts', () => {
    assert.deepEqual(parseOrderEvent(JSON.stringify(newOrder)), newOrder);
    assert.deepEqual(parseOrderEvent('{"orderId":"A-1","status":"out_for_delivery","total":0}'), {
      orderId: 'A-1',
      status: 'out_for_delivery',
      total: 0,
    });
  });

  test('rejects missing or malformed fields with a reason', () => {
    const cases: [unknown, RegExp][] = [
      ['{', /not JSON/],
      [[newOrder], /not a JSON object/],
      [{ status: 'created', total: 1 }, /orderId/],
      [{ orderId: 'has spaces', status: 'created', total: 1 }, /orderId/],
      [{ orderId: 'ord-1', total: 1 }, /status/],
      [{ orderId: 'ord-1', status: 'Created', total: 1 }, /status/],
      [{ orderId: 'ord-1', status: 'created', total: '1' }, /total/],
      [{ orderId: 'ord-1', status: 'created', total: -0.01 }, /total/],
    ];
    for (const [input, reason] of cases) {
      const message = typeof input === 'string' ? input : JSON.stringify(input);
      assert.throws(() => parseOrderEvent(message), (e: Error) => e instanceof InvalidOrderEvent && reason.test(e.message), message);
    }
  });
});

describe('createConsumer', () => {
  test('processes every valid record and reports no failures', async () => {
    const seen: [OrderEvent, string][] = [];
    const consume = createConsumer({
      name: 'test',
      accepts: () => true,
      process: async (order, id) => void seen.push([order, id]),
    });
    const result = await consume(batch(record('m1', envelope(newOrder, 'created', 'sns-a')), record('m2', envelope(shipped, 'shipped', 'sns-b'))));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(seen, [
      [newOrder, 'sns-a'],
      [shipped, 'sns-b'],
    ]);
  });

  test('reports exactly the records that failed, and keeps going after each', async () => {
    const processed: string[] = [];
    const consume = createConsumer({
      name: 'test',
      accepts: (status) => status !== 'cancelled',
      process: async (order) => {
        if (order.orderId === 'ord-boom') throw new Error('downstream timeout');
        processed.push(order.orderId);
      },
    });
    const result = await consume(
      batch(
        record('ok-1', envelope(newOrder)),
        record('not-sns', JSON.stringify(newOrder)),
        record('bad-total', envelope({ ...newOrder, total: 'lots' }, 'created')),
        record('attr-mismatch', envelope(newOrder, 'shipped')),
        record('misrouted', envelope({ ...newOrder, status: 'cancelled' })),
        record('throws', envelope({ ...newOrder, orderId: 'ord-boom' })),
        record('ok-2', envelope({ ...shipped, orderId: 'ord-1002' })),
      ),
    );
    assert.deepEqual(
      result.batchItemFailures.map((f) => f.itemIdentifier),
      ['not-sns', 'bad-total', 'attr-mismatch', 'misrouted', 'throws'],
    );
    assert.deepEqual(processed, ['ord-1001', 'ord-1002']);
    const errors = logged.map((l) => JSON.parse(l)).filter((l) => l.level === 'ERROR');
    assert.equal(errors.length, 5);
    assert.deepEqual(
      errors.map((e) => e.message),
      ['rejected order event', 'rejected order event', 'rejected order event', 'rejected order event', 'order event processing failed'],
    );
  });
});

describe('the two consumers', () => {
  test('accept the same statuses their subscription filters let through', () => {
    for (const status of ['created', 'paid', 'shipped', 'cancelled', 'created_draft']) {
      assert.equal(acceptsCreated(status), status === 'created', status);
      assert.equal(acceptsUpdate(status), status !== 'created', status);
    }
  });

  test('the created-orders handler logs a new order and refuses a status change', async () => {
    const result = await createdHandler(batch(record('m1', envelope(newOrder)), record('m2', envelope(shipped))));
    assert.deepEqual(result.batchItemFailures, [{ itemIdentifier: 'm2' }]);
    const info = JSON.parse(logged[0]);
    assert.deepEqual([info.message, info.orderId, info.total], ['new order accepted', 'ord-1001', 42.5]);
  });

  test('the order-updates handler logs a status change and refuses a new order', async () => {
    const result = await updatesHandler(batch(record('m1', envelope(newOrder)), record('m2', envelope(shipped))));
    assert.deepEqual(result.batchItemFailures, [{ itemIdentifier: 'm1' }]);
    const info = JSON.parse(logged[1]);
    assert.deepEqual([info.message, info.orderId, info.status], ['order status changed', 'ord-1001', 'shipped']);
  });
});
