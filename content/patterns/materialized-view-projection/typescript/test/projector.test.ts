import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dynamoViews } from '../lambda/projection';
import { VIEW, account, batch, event, insertRecord, projectorFor } from './histories';

const history = [
  event('o-1', 1, 'OrderPlaced', { customerId: 'c-1' }),
  event('o-1', 2, 'ItemAdded', { sku: 'mug', quantity: 2, unitPriceCents: 1250 }),
  event('o-1', 3, 'OrderPaid'),
];

describe('projector', () => {
  test('advances each order once per batch with one read and one write', async () => {
    const other = event('o-2', 1, 'OrderPlaced', { customerId: 'c-2' });
    const fake = account([...history, other]);
    const lines: Record<string, unknown>[] = [];
    const result = await projectorFor(fake, (l) => lines.push(l))(batch([...history, other].map(insertRecord)));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(
      fake.calls.map((c) => c.name),
      ['GetItem', 'PutItem', 'GetItem', 'PutItem'],
    );
    assert.equal((await dynamoViews(fake, VIEW).load('o-1'))?.totalCents, 2500);
    assert.deepEqual(lines.map((l) => [l.message, l.orderId, l.from, l.to]), [
      ['view advanced', 'o-1', 0, 3],
      ['view advanced', 'o-2', 0, 1],
    ]);
  });

  test('skips a redelivered batch without writing', async () => {
    const fake = account(history);
    const projector = projectorFor(fake);
    const records = history.map(insertRecord);
    await projector(batch(records));
    const before = fake.items(VIEW);
    const writes = fake.calls.filter((c) => c.name === 'PutItem').length;
    assert.deepEqual(await projector(batch([records[2]!, records[0]!, records[1]!])), { batchItemFailures: [] });
    assert.equal(fake.calls.filter((c) => c.name === 'PutItem').length, writes);
    assert.deepEqual(fake.items(VIEW), before);
  });

  test('reports the earliest record an order could not apply and still advances the other orders', async () => {
    const bad = [
      event('o-9', 1, 'OrderPlaced', { customerId: 'c-9' }),
      event('o-9', 2, 'OrderRefunded', { amountCents: 1 }),
      event('o-9', 3, 'OrderShipped', { trackingNumber: 'T' }),
    ];
    const fake = account([...history, ...bad]);
    const lines: Record<string, unknown>[] = [];
    // Stream order: o-9 v1, o-1 v1, o-9 v2 (bad), o-1 v2, o-9 v3, o-1 v3.
    const records = [bad[0]!, history[0]!, bad[1]!, history[1]!, bad[2]!, history[2]!].map(insertRecord);
    const result = await projectorFor(fake, (l) => lines.push(l))(batch(records));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: records[2]!.dynamodb!.SequenceNumber }] });
    const views = dynamoViews(fake, VIEW);
    assert.equal((await views.load('o-9'))?.lastVersion, 1, 'o-9 keeps every event before the bad one');
    assert.equal((await views.load('o-1'))?.lastVersion, 3, 'o-1 is not held back by o-9');
    assert.ok(lines.some((l) => l.level === 'ERROR' && l.orderId === 'o-9' && l.stuckAt === 2));
  });

  test('reports an order from its first record when the view table fails', async () => {
    const fake = account(history);
    fake.failWith = (name) => (name === 'GetItem' ? Object.assign(new Error('throttled'), { name: 'ThrottlingException' }) : undefined);
    const records = history.map(insertRecord);
    const result = await projectorFor(fake)(batch([records[1]!, records[0]!, records[2]!]));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }] });
  });

  test('fails a record that carries no event', async () => {
    const fake = account(history);
    const broken = { ...insertRecord(history[0]!, 1), dynamodb: { SequenceNumber: '000000000000000000001' } };
    const result = await projectorFor(fake)(batch([broken, insertRecord(history[0]!, 2)]));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '000000000000000000001' }] });
  });
});
