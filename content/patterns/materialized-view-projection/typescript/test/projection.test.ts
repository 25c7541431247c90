import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { marshall } from '@aws-sdk/util-dynamodb';
import { parseEvent, replay } from '../lambda/orders';
import { StuckAt, advance, dynamoEventLog, dynamoViews } from '../lambda/projection';
import { EVENTS, VIEW, account, deliver, event, histories, insertRecord, random, rebuildAll, shuffle } from './histories';

const placed = (id = 'o-1') => event(id, 1, 'OrderPlaced', { customerId: 'c-1' });
const paid = (id = 'o-1', version = 2) => event(id, version, 'OrderPaid');

/** What the view table should hold for a set of events: one item per order, folded from nothing. */
function expectedItems(events: Record<string, unknown>[]) {
  const byOrder = new Map<string, Record<string, unknown>[]>();
  for (const item of events) byOrder.set(String(item.aggregateId), [...(byOrder.get(String(item.aggregateId)) ?? []), item]);
  return [...byOrder.keys()].sort().map((id) => marshall(replay(byOrder.get(id)!.map(parseEvent))!, { removeUndefinedValues: true }));
}

describe('the conditional write', () => {
  test('writes a first view only where none exists and later ones only at the version read', async () => {
    const fake = account();
    const views = dynamoViews(fake, VIEW);
    const v1 = replay([parseEvent(placed())])!;
    const v2 = replay([parseEvent(placed()), parseEvent(paid())])!;
    assert.equal(await views.save(v1, 0), true);
    assert.equal(await views.save(v1, 0), false, 'a second first write is refused');
    assert.equal(await views.save(v2, 1), true);
    const puts = fake.calls.filter((c) => c.name === 'PutItem').map((c) => [c.input.ConditionExpression, c.input.ExpressionAttributeValues]);
    assert.deepEqual(puts, [
      ['attribute_not_exists(orderId)', undefined],
      ['attribute_not_exists(orderId)', undefined],
      ['lastVersion = :expected', { ':expected': { N: '1' } }],
    ]);
    assert.equal((await views.load('o-1'))?.lastVersion, 2);
    assert.equal(fake.calls.find((c) => c.name === 'GetItem')?.input.ConsistentRead, true);
  });

  test('refuses a stale or duplicate write and leaves the newer item untouched', async () => {
    const fake = account();
    const views = dynamoViews(fake, VIEW);
    const history = [placed(), paid(), event('o-1', 3, 'OrderShipped', { trackingNumber: 'T' })].map(parseEvent);
    assert.equal(await views.save(replay(history)!, 0), true);
    // A writer that read version 1 and folded event 2 arrives late; so does one replaying event 3 again.
    assert.equal(await views.save(replay(history.slice(0, 2))!, 1), false);
    assert.equal(await views.save(replay(history)!, 2), false);
    assert.deepEqual(await views.load('o-1'), replay(history));
    assert.equal(fake.refusedWrites, 2);
  });

  test('treats only a failed condition as a lost race and rethrows other errors', async () => {
    const fake = account();
    fake.failWith = (name) => (name === 'PutItem' ? Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }) : undefined);
    await assert.rejects(dynamoViews(fake, VIEW).save(replay([parseEvent(placed())])!, 0), /Rate exceeded/);
  });
});

describe('advance', () => {
  test('fills a gap from the event table with a consistent query', async () => {
    const fake = account([placed(), paid(), event('o-1', 3, 'OrderShipped', { trackingNumber: 'T' })]);
    const result = await advance(dynamoViews(fake, VIEW), dynamoEventLog(fake, EVENTS), 'o-1', [event('o-1', 3, 'OrderShipped', { trackingNumber: 'T' })]);
    assert.deepEqual(result, { orderId: 'o-1', from: 0, to: 3 });
    const query = fake.calls.find((c) => c.name === 'Query')!.input;
    assert.equal(query.KeyConditionExpression, 'aggregateId = :id AND version BETWEEN :from AND :to');
    assert.deepEqual(query.ExpressionAttributeValues, { ':id': { S: 'o-1' }, ':from': { N: '1' }, ':to': { N: '3' } });
    assert.equal(query.ConsistentRead, true);
  });

  test('pages through a long history', async () => {
    const history = [placed(), ...Array.from({ length: 11 }, (_, i) => event('o-1', i + 2, 'ItemAdded', { sku: 'mug', quantity: 1, unitPriceCents: 100 }))];
    const fake = account(history);
    fake.pageSize = 3;
    await advance(dynamoViews(fake, VIEW), dynamoEventLog(fake, EVENTS), 'o-1', [history.at(-1)!]);
    assert.equal((await dynamoViews(fake, VIEW).load('o-1'))?.itemCount, 11);
    assert.equal(fake.calls.filter((c) => c.name === 'Query').length, 4);
  });

  test('skips events the view already reflects without writing', async () => {
    const fake = account([placed(), paid()]);
    const [views, log] = [dynamoViews(fake, VIEW), dynamoEventLog(fake, EVENTS)];
    await advance(views, log, 'o-1', [placed(), paid()]);
    const writes = fake.calls.filter((c) => c.name === 'PutItem').length;
    assert.deepEqual(await advance(views, log, 'o-1', [paid(), placed(), paid()]), { orderId: 'o-1', from: 2, to: 2 });
    assert.equal(fake.calls.filter((c) => c.name === 'PutItem').length, writes);
  });

  test('re-reads after losing the race and finds the work done by the other path', async () => {
    const fake = account([placed(), paid()]);
    const [views, log] = [dynamoViews(fake, VIEW), dynamoEventLog(fake, EVENTS)];
    let raced = false;
    fake.beforePut = async () => {
      if (raced) return;
      raced = true;
      // The other path (a rebuild page, another shard) brings the view to version 2 first.
      await advance(views, log, 'o-1', [placed(), paid()]);
    };
    assert.deepEqual(await advance(views, log, 'o-1', [placed(), paid()]), { orderId: 'o-1', from: 2, to: 2 });
    assert.equal(fake.refusedWrites, 1);
    assert.equal((await views.load('o-1'))?.lastVersion, 2);
  });

  test('writes the events before a bad one, then reports where it stuck', async () => {
    const history = [placed(), paid(), event('o-1', 3, 'OrderRefunded', { amountCents: 5 }), event('o-1', 4, 'OrderShipped', { trackingNumber: 'T' })];
    const fake = account(history);
    const [views, log] = [dynamoViews(fake, VIEW), dynamoEventLog(fake, EVENTS)];
    await assert.rejects(advance(views, log, 'o-1', [history[3]!]), (error: unknown) => error instanceof StuckAt && error.version === 3 && /OrderRefunded/.test(error.message));
    assert.equal((await views.load('o-1'))?.lastVersion, 2);
  });

  test('reports an event missing from the log instead of skipping it', async () => {
    const fake = account([placed(), event('o-1', 3, 'OrderPaid')]);
    await assert.rejects(advance(dynamoViews(fake, VIEW), dynamoEventLog(fake, EVENTS), 'o-1', [event('o-1', 3, 'OrderPaid')]), (error: unknown) => error instanceof StuckAt && error.version === 2);
  });
});

/** Folds one random set of histories through both paths and compares the view tables item for item. */
async function projectionEqualsRebuild(seed: number) {
  const events = histories(seed, 25);
  const next = random(seed * 31);
  const records = events.map((item, i) => insertRecord(item, i + 1));
  // Lambda may deliver a record again, and records of one order may arrive out of order across shards.
  const delivered = shuffle([...records, ...records.filter(() => next() < 0.3)], next);

  const streamed = account(events);
  assert.equal(await deliver(streamed, delivered, next), 0, 'no batch should fail');

  const rebuilt = account(events);
  rebuilt.pageSize = 4;
  const run = await rebuildAll(rebuilt, 3);
  assert.deepEqual(run.failed, []);
  assert.ok(run.invocations > 3, 'the rebuild was resumed from its cursor');

  assert.deepEqual(streamed.items(VIEW), rebuilt.items(VIEW));
  assert.deepEqual(rebuilt.items(VIEW), expectedItems(events));
}

describe('projection equals rebuild', () => {
  test('gives identical view items from shuffled, duplicated stream delivery and from a segmented, resumed rebuild (seed 1)', () =>
    projectionEqualsRebuild(1));

  test('gives identical view items from shuffled, duplicated stream delivery and from a segmented, resumed rebuild (seed 2)', () =>
    projectionEqualsRebuild(2));

  test('gives identical view items from shuffled, duplicated stream delivery and from a segmented, resumed rebuild (seed 3)', () =>
    projectionEqualsRebuild(3));

  test('neither loses nor double-applies events when the rebuild and the projector race on the same items', async () => {
    const events = histories(11, 30);
    const next = random(5);
    const fake = account(events);
    fake.pageSize = 5;
    const [views, log] = [dynamoViews(fake, VIEW), dynamoEventLog(fake, EVENTS)];
    let racing = false;
    // Before some writes, the other path gets in first and moves the same order forward.
    fake.beforePut = async (input) => {
      if (racing || next() > 0.4) return;
      racing = true;
      const orderId = input.Item.orderId.S as string;
      const history = events.filter((item) => item.aggregateId === orderId);
      await advance(views, log, orderId, history.slice(0, 1 + Math.floor(next() * history.length))).catch(() => undefined);
      racing = false;
    };
    const records = shuffle(events.map((item, i) => insertRecord(item, i + 1)), next);
    // First half of the stream, then the rebuild over everything, then the rest of the stream again with duplicates.
    await deliver(fake, records.slice(0, 40), next);
    const run = await rebuildAll(fake, 2);
    await deliver(fake, shuffle([...records.slice(30), ...records.slice(0, 10)], next), next);
    assert.deepEqual(run.failed, []);
    assert.ok(fake.refusedWrites > 0, 'some writes lost the race and were refused');
    assert.deepEqual(fake.items(VIEW), expectedItems(events));
  });
});
