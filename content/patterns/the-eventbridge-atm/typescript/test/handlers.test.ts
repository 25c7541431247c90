import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent, EventBridgeEvent } from 'aws-lambda';
import { createHandler as createConsumer, isConsumerKind, summarise } from '../lambda/consumer';
import { createHandler as createProducer, parseBody, publish, type PutEntries, toEntry } from '../lambda/producer';
import { InvalidTransaction, parseTransaction } from '../lambda/transaction';

process.env.AWS_REGION ??= 'us-east-1';

const tx = { transactionId: 'tx-1', action: 'withdrawal', location: 'NY-MAN-0042', amount: 300, result: 'approved' };

function post(body: unknown): APIGatewayProxyEvent {
  return { body: typeof body === 'string' ? body : JSON.stringify(body) } as APIGatewayProxyEvent;
}

function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = () => {};
  return fn().finally(() => {
    console.error = original;
  });
}

describe('parseTransaction', () => {
  test('accepts a well-formed transaction and returns only its known fields', () => {
    assert.deepEqual(parseTransaction(tx), tx);
  });

  test('accepts results other than approved and declined, so new outcomes still flow', () => {
    assert.equal(parseTransaction({ ...tx, result: 'timed_out' }).result, 'timed_out');
  });

  test('rejects bad locations, actions, amounts and unknown fields', () => {
    for (const bad of [
      { ...tx, location: 'ny-man' },
      { ...tx, action: 'transfer' },
      { ...tx, amount: -1 },
      { ...tx, amount: '300' },
      { ...tx, amount: 10_001 },
      { ...tx, pin: '1234' },
      'tx-1',
    ]) {
      assert.throws(() => parseTransaction(bad), InvalidTransaction, JSON.stringify(bad));
    }
  });
});

describe('producer', () => {
  test('parses one to ten transactions and refuses empty, oversized or non-JSON bodies', () => {
    assert.deepEqual(parseBody(JSON.stringify({ transactions: [tx] })), [tx]);
    assert.throws(() => parseBody('{"transactions": []}'), InvalidTransaction);
    assert.throws(() => parseBody(JSON.stringify({ transactions: Array(11).fill(tx) })), InvalidTransaction);
    assert.throws(() => parseBody('not json'), InvalidTransaction);
    assert.throws(() => parseBody(null), InvalidTransaction);
  });

  test('builds entries for the named bus with the source and detail-type the rules match', () => {
    assert.deepEqual(toEntry(parseTransaction(tx), 'atm-bus'), {
      EventBusName: 'atm-bus',
      Source: 'custom.atm',
      DetailType: 'ATM transaction',
      Detail: JSON.stringify(tx),
    });
  });

  test('sends only the rejected entries a second time', async () => {
    const calls: string[][] = [];
    const put: PutEntries = async (entries) => {
      calls.push(entries.map((e) => JSON.parse(e.Detail ?? '{}').transactionId));
      return calls.length === 1
        ? [{ EventId: 'e1' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'e3' }]
        : [{ EventId: 'e2' }];
    };
    const entries = ['a', 'b', 'c'].map((id) => toEntry(parseTransaction({ ...tx, transactionId: id }), 'bus'));
    const outcome = await publish(put, entries);
    assert.deepEqual(calls, [['a', 'b', 'c'], ['b']]);
    assert.deepEqual(outcome, { eventIds: ['e1', 'e2', 'e3'], errors: [undefined, undefined, undefined] });
  });

  test('gives up after the second attempt and names what failed', async () => {
    let calls = 0;
    const outcome = await publish(async (entries) => {
      calls++;
      return entries.map(() => ({ ErrorCode: 'InternalFailure' }));
    }, [toEntry(parseTransaction(tx), 'bus')]);
    assert.equal(calls, 2);
    assert.deepEqual(outcome, { eventIds: [undefined], errors: ['InternalFailure'] });
  });

  test('answers 202 with an event id per transaction when all are accepted', async () => {
    const seen: PutEventsRequestEntry[] = [];
    const handler = createProducer(async (entries) => {
      seen.push(...entries);
      return entries.map((_, i) => ({ EventId: `ev-${i}` }));
    }, 'atm-bus');
    const response = await handler(post({ transactions: [tx, { ...tx, transactionId: 'tx-2' }] }));
    assert.equal(response.statusCode, 202);
    assert.deepEqual(JSON.parse(response.body), {
      accepted: [
        { transactionId: 'tx-1', eventId: 'ev-0' },
        { transactionId: 'tx-2', eventId: 'ev-1' },
      ],
    });
    assert.deepEqual(seen.map((e) => e.EventBusName), ['atm-bus', 'atm-bus']);
  });

  test('answers 400 without calling EventBridge when a transaction is invalid', async () => {
    let calls = 0;
    const handler = createProducer(async () => {
      calls++;
      return [];
    }, 'bus');
    const response = await handler(post({ transactions: [{ ...tx, location: 'nowhere' }] }));
    assert.equal(response.statusCode, 400);
    assert.match(JSON.parse(response.body).message, /location/);
    assert.equal(calls, 0);
  });

  test('answers 502 naming accepted and failed transactions after a partial failure', async () => {
    const handler = createProducer(
      async (entries) => entries.map((e) => (e.Detail?.includes('tx-2') ? { ErrorCode: 'InternalFailure' } : { EventId: 'ok' })),
      'bus',
    );
    const response = await quietly(() => handler(post({ transactions: [tx, { ...tx, transactionId: 'tx-2' }] })));
    assert.equal(response.statusCode, 502);
    const body = JSON.parse(response.body);
    assert.deepEqual(body.accepted, [{ transactionId: 'tx-1', eventId: 'ok' }]);
    assert.deepEqual(body.failed, ['tx-2']);
  });

  test('answers a generic 500 when the PutEvents call itself throws', async () => {
    const handler = createProducer(async () => {
      throw new Error('AccessDeniedException on arn:aws:events:secret');
    }, 'bus');
    const response = await quietly(() => handler(post({ transactions: [tx] })));
    assert.equal(response.statusCode, 500);
    assert.doesNotMatch(response.body, /secret/);
  });
});

describe('consumer', () => {
  const event = (detail: unknown, source = 'custom.atm'): EventBridgeEvent<string, unknown> =>
    ({ id: 'ev-9', source, 'detail-type': 'ATM transaction', detail }) as EventBridgeEvent<string, unknown>;

  test('knows exactly the four consumer kinds', () => {
    for (const kind of ['approved', 'new-york', 'declined', 'large-withdrawal']) assert.ok(isConsumerKind(kind));
    assert.ok(!isConsumerKind('refunds'));
    assert.ok(!isConsumerKind(undefined));
    assert.ok(!isConsumerKind('toString'));
  });

  test('records what its job would be, with the event id and the transaction', () => {
    assert.deepEqual(summarise('declined', event({ ...tx, result: 'declined' })), {
      level: 'INFO',
      message: 'notify the cardholder',
      consumer: 'declined',
      eventId: 'ev-9',
      ...tx,
      result: 'declined',
    });
  });

  test('throws on a malformed detail so Lambda retries it and then records the failure', async () => {
    const lines: object[] = [];
    const handler = createConsumer('approved', (line) => lines.push(line));
    await assert.rejects(handler(event({ ...tx, amount: 'lots' })), InvalidTransaction);
    await assert.rejects(handler(event(tx, 'someone.else')), InvalidTransaction);
    assert.deepEqual(lines, []);
    await handler(event(tx));
    assert.equal(lines.length, 1);
  });
});
