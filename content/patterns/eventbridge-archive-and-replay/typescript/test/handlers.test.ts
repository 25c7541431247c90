import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  type AttributeValue,
  type TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { createHandler as createLedgerWriter, dynamoLedger, isAlreadyRecorded, revenueKey } from '../lambda/ledger-writer';
import { type Confirmation, createHandler as createNotifier, ReplayedEventRefused } from '../lambda/notifier';
import { InvalidOrderEvent, type OrderEventEnvelope, parseOrderPlaced } from '../lambda/order-event';
import { delivered, entries, withDetail } from './order-events';

process.env.AWS_REGION ??= 'us-east-1';

type Item = Record<string, AttributeValue>;

/**
 * An in-memory stand-in for the ledger table that honours what the writer relies on: a transaction
 * is all or nothing, `attribute_not_exists(pk)` on a Put, and ADD on an Update. A writer that
 * dropped its condition would double the revenue here exactly as it would in DynamoDB.
 */
class FakeLedgerTable {
  readonly items = new Map<string, Item>();
  readonly calls: TransactWriteItemsCommandInput[] = [];
  failWith?: Error;

  send = async (command: TransactWriteItemsCommand): Promise<object> => {
    const input = command.input;
    this.calls.push(input);
    if (this.failWith) throw this.failWith;
    const actions = input.TransactItems ?? [];
    const reasons = actions.map((action) => {
      const condition = action.Put?.ConditionExpression ?? action.Update?.ConditionExpression;
      if (condition === undefined) return 'None';
      assert.equal(condition, 'attribute_not_exists(pk)', 'the fake only knows the condition the writer uses');
      const key = (action.Put?.Item ?? action.Update?.Key)!.pk.S!;
      return this.items.has(key) ? 'ConditionalCheckFailed' : 'None';
    });
    if (reasons.some((code) => code !== 'None')) {
      throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons.map((Code) => ({ Code })) });
    }
    for (const action of actions) {
      if (action.Put) this.items.set(action.Put.Item!.pk.S!, { ...action.Put.Item! });
      if (action.Update) this.add(action.Update.Key!.pk.S!, action.Update.UpdateExpression!, action.Update.ExpressionAttributeValues!);
    }
    return {};
  };

  private add(key: string, expression: string, values: Item) {
    const clauses = /^ADD (.+)$/.exec(expression);
    assert.ok(clauses, `the fake only knows ADD, got ${expression}`);
    const item: Item = this.items.get(key) ?? { pk: { S: key } };
    for (const clause of clauses[1].split(', ')) {
      const [name, placeholder] = clause.split(' ');
      item[name] = { N: String(Number(item[name]?.N ?? 0) + Number(values[placeholder].N)) };
    }
    this.items.set(key, item);
  }

  revenue(day: string, currency: string): { orders: number; totalCents: number } | undefined {
    const item = this.items.get(`REVENUE#${day}#${currency}`);
    return item && { orders: Number(item.orders.N), totalCents: Number(item.totalCents.N) };
  }
}

function batch(...bodies: (OrderEventEnvelope | string)[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({ messageId: `m${i + 1}`, body: typeof body === 'string' ? body : JSON.stringify(body) })),
  } as SQSEvent;
}

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const { log, error } = console;
  console.log = () => {};
  console.error = () => {};
  try {
    return await fn();
  } finally {
    Object.assign(console, { log, error });
  }
}

const [web, pos] = entries('orders.json').map((e) => delivered(e, { id: 'live-1' }));
const [app] = entries('missed-order.json').map((e) => delivered(e, { id: 'live-3' }));

describe('parseOrderPlaced', () => {
  test('accepts a well-formed order and returns only its known fields', () => {
    assert.deepEqual(parseOrderPlaced(web.detail), {
      orderId: 'ord-1001',
      customerId: 'cus-42',
      channel: 'web',
      totalCents: 4599,
      currency: 'EUR',
      placedAt: '2026-12-05T09:15:00Z',
    });
  });

  test('rejects missing or malformed fields with a reason', () => {
    const good = web.detail as Record<string, unknown>;
    for (const bad of [
      { ...good, orderId: undefined },
      { ...good, orderId: 'ord 1001' },
      { ...good, channel: 'fax' },
      { ...good, totalCents: -1 },
      { ...good, totalCents: 45.99 },
      { ...good, totalCents: '4599' },
      { ...good, currency: 'eur' },
      { ...good, placedAt: '05/12/2026' },
      { ...good, placedAt: '2026-13-45T09:15:00Z' },
      { ...good, discount: 5 },
      'ord-1001',
    ]) {
      assert.throws(() => parseOrderPlaced(bad), InvalidOrderEvent, JSON.stringify(bad));
    }
  });
});

describe('ledger writer', () => {
  let table: FakeLedgerTable;
  let handler: ReturnType<typeof createLedgerWriter>;

  beforeEach(() => {
    table = new FakeLedgerTable();
    handler = createLedgerWriter(dynamoLedger(table, 'Ledger', () => new Date('2026-12-07T08:00:00Z')));
  });

  test('sends one transaction: a conditional Put of the order entry and an ADD to its day revenue', async () => {
    await quietly(() => handler(batch(web)));
    assert.deepEqual(table.calls, [
      {
        TransactItems: [
          {
            Put: {
              TableName: 'Ledger',
              Item: {
                pk: { S: 'ORDER#ord-1001' },
                orderId: { S: 'ord-1001' },
                customerId: { S: 'cus-42' },
                channel: { S: 'web' },
                totalCents: { N: '4599' },
                currency: { S: 'EUR' },
                placedAt: { S: '2026-12-05T09:15:00Z' },
                recordedAt: { S: '2026-12-07T08:00:00.000Z' },
                eventId: { S: 'live-1' },
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: 'Ledger',
              Key: { pk: { S: 'REVENUE#2026-12-05#EUR' } },
              UpdateExpression: 'ADD orders :one, totalCents :total',
              ExpressionAttributeValues: { ':one': { N: '1' }, ':total': { N: '4599' } },
            },
          },
        ],
      },
    ]);
  });

  test('counts revenue on the day the order was placed, not the day it was delivered', async () => {
    const lateReplay = { ...delivered(entries('orders.json')[0], { replayName: 'weekly-check' }), time: '2026-12-07T08:00:00Z' };
    await quietly(() => handler(batch(lateReplay)));
    assert.equal(revenueKey(parseOrderPlaced(lateReplay.detail)), 'REVENUE#2026-12-05#EUR');
    assert.deepEqual(table.revenue('2026-12-05', 'EUR'), { orders: 1, totalCents: 4599 });
    assert.equal(table.revenue('2026-12-07', 'EUR'), undefined);
  });

  test('a second delivery of the same order, live or replayed, has no second effect', async () => {
    const first = await quietly(() => handler(batch(web, pos)));
    const again = await quietly(() => handler(batch(web)));
    const replay = entries('orders.json').map((e) => delivered(e, { replayName: 'fill-ledger-gap' }));
    const replayed = await quietly(() => handler(batch(...replay)));
    for (const response of [first, again, replayed]) assert.deepEqual(response.batchItemFailures, []);
    assert.equal(table.calls.length, 5, 'every delivery was attempted');
    assert.deepEqual(table.revenue('2026-12-05', 'EUR'), { orders: 2, totalCents: 4599 + 1250 });
    assert.equal(table.items.size, 3, 'two order entries and one revenue item');
    // The entry still records the delivery that created it.
    assert.equal(table.items.get('ORDER#ord-1001')!.eventId.S, 'live-1');
    assert.equal(table.items.get('ORDER#ord-1001')!.replayName, undefined);
  });

  test('fills a gap from a replay and marks the entry with the replay name', async () => {
    await quietly(() => handler(batch(web, pos)));
    const replay = [...entries('orders.json'), ...entries('missed-order.json')].map((e) => delivered(e, { replayName: 'fill-ledger-gap' }));
    await quietly(() => handler(batch(...replay)));
    assert.equal(table.items.get('ORDER#ord-1003')!.replayName.S, 'fill-ledger-gap');
    assert.deepEqual(table.revenue('2026-12-05', 'EUR'), { orders: 3, totalCents: 4599 + 1250 + 2000 });
  });

  test('keys each entry on the order id, not on the EventBridge event id', async () => {
    // Two different orders that happen to arrive under one event id are still two orders.
    await quietly(() => handler(batch(web, { ...app, id: web.id })));
    assert.ok(table.items.has('ORDER#ord-1001'));
    assert.ok(table.items.has('ORDER#ord-1003'));
    assert.deepEqual(table.revenue('2026-12-05', 'EUR'), { orders: 2, totalCents: 4599 + 2000 });
  });

  test('reports exactly the records that failed, and keeps going after each', async () => {
    const response = await quietly(() =>
      handler(batch(web, 'not json', withDetail(pos, { totalCents: -5 }), { ...app, source: 'com.example.other' }, app)),
    );
    assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }]);
    assert.ok(table.items.has('ORDER#ord-1001'));
    assert.ok(table.items.has('ORDER#ord-1003'));
    assert.ok(!table.items.has('ORDER#ord-1002'));
  });

  test('retries a DynamoDB failure instead of taking it for a duplicate', async () => {
    for (const error of [
      new TransactionCanceledException({ message: 'conflict', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] }),
      Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }),
    ]) {
      table.failWith = error;
      assert.equal(isAlreadyRecorded(error), false);
      const response = await quietly(() => handler(batch(web)));
      assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'm1' }]);
    }
    const duplicate = new TransactionCanceledException({ message: 'x', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] });
    assert.equal(isAlreadyRecorded(duplicate), true);
  });
});

describe('notifier', () => {
  function notifier() {
    const sent: Confirmation[] = [];
    const handler = createNotifier(async (confirmation) => {
      sent.push(confirmation);
    });
    return { sent, handler: (event: OrderEventEnvelope) => handler(event as unknown as EventBridgeEvent<string, unknown>) };
  }

  test('sends one confirmation for a live web or app order', async () => {
    const { sent, handler } = notifier();
    await handler(web);
    await handler(app);
    assert.deepEqual(sent, [
      { orderId: 'ord-1001', customerId: 'cus-42', totalCents: 4599, currency: 'EUR' },
      { orderId: 'ord-1003', customerId: 'cus-42', totalCents: 2000, currency: 'EUR' },
    ]);
  });

  test('refuses a replayed event without sending anything', async () => {
    const { sent, handler } = notifier();
    await assert.rejects(handler(delivered(entries('orders.json')[0], { replayName: 'fill-ledger-gap' })), ReplayedEventRefused);
    assert.deepEqual(sent, []);
  });

  test('refuses an in-store order or a malformed one without sending anything', async () => {
    const { sent, handler } = notifier();
    await assert.rejects(handler(pos), InvalidOrderEvent);
    await assert.rejects(handler(withDetail(web, { currency: 'euro' })), InvalidOrderEvent);
    await assert.rejects(handler({ ...web, 'detail-type': 'OrderCancelled' }), InvalidOrderEvent);
    assert.deepEqual(sent, []);
  });
});
