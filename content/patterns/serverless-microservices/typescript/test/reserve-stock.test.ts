import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type GetItemCommandInput, TransactionCanceledException, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import type { OrderPlacedDetail } from '../lambda/contracts';
import { type InventoryPorts, createReserveStock } from '../lambda/reserve-stock';

process.env.AWS_REGION ??= 'us-east-1';

const NOW = () => new Date('2026-12-05T10:00:05.000Z');
const orderPlaced = (lines: OrderPlacedDetail['lines']): EventBridgeEvent<'OrderPlaced', OrderPlacedDetail> =>
  ({ id: 'evt-1', source: 'shop.orders', 'detail-type': 'OrderPlaced', detail: { orderId: 'o-1', lines, placedAt: '2026-12-05T10:00:00.000Z' } }) as unknown as EventBridgeEvent<'OrderPlaced', OrderPlacedDetail>;

/**
 * An in-memory Inventory table with DynamoDB's transaction semantics for the writes the handler
 * makes: every condition is checked first, and nothing is applied unless all of them hold.
 */
function inventoryTable(stock: Record<string, number>) {
  const items = new Map<string, Record<string, { S?: string; N?: string }>>(Object.entries(stock).map(([sku, n]) => [sku, { sku: { S: sku }, available: { N: String(n) } }]));
  const published: PutEventsRequestEntry[] = [];
  const transactions: TransactWriteItemsCommandInput[] = [];
  const ports: InventoryPorts = {
    transact: async (input) => {
      transactions.push(input);
      const reasons = (input.TransactItems ?? []).map((t) => {
        if (t.Put) return items.has(String(t.Put.Item?.sku?.S)) ? 'ConditionalCheckFailed' : 'None';
        const item = items.get(String(t.Update?.Key?.sku?.S));
        const q = Number(t.Update?.ExpressionAttributeValues?.[':q']?.N);
        return item && Number(item.available.N) >= q ? 'None' : 'ConditionalCheckFailed';
      });
      if (reasons.some((r) => r !== 'None')) {
        throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons.map((Code) => ({ Code })) });
      }
      for (const t of input.TransactItems ?? []) {
        if (t.Put) items.set(String(t.Put.Item?.sku?.S), t.Put.Item as Record<string, { S?: string }>);
        if (t.Update) {
          const item = items.get(String(t.Update.Key?.sku?.S))!;
          item.available = { N: String(Number(item.available.N) - Number(t.Update.ExpressionAttributeValues?.[':q']?.N)) };
        }
      }
      return {};
    },
    get: async (input: GetItemCommandInput) => ({ Item: items.get(String(input.Key?.sku?.S)) as Record<string, { S?: string }> | undefined }),
    publish: async (entry) => void published.push(entry),
  };
  const level = (sku: string) => Number(items.get(sku)?.available?.N);
  return { ports, published, transactions, level, items };
}

describe('reserve stock', () => {
  test('reserves every line in one transaction and publishes StockReserved', async () => {
    const table = inventoryTable({ TENT: 5, STOVE: 3 });
    const outcome = await createReserveStock(table.ports, 'Inventory', 'CommerceBus', NOW)(orderPlaced([{ sku: 'TENT', quantity: 2 }, { sku: 'STOVE', quantity: 3 }]));
    assert.deepEqual(outcome, { orderId: 'o-1', outcome: 'RESERVED', decidedAt: '2026-12-05T10:00:05.000Z' });
    assert.deepEqual([table.level('TENT'), table.level('STOVE')], [3, 0]);
    assert.equal(table.transactions.length, 1);
    assert.deepEqual(table.published, [
      { EventBusName: 'CommerceBus', Source: 'shop.inventory', DetailType: 'StockReserved', Detail: JSON.stringify(outcome) },
    ]);
  });

  test('reserves nothing and publishes StockUnavailable when any line is short', async () => {
    const table = inventoryTable({ TENT: 5, STOVE: 1 });
    const outcome = await createReserveStock(table.ports, 'Inventory', 'CommerceBus', NOW)(orderPlaced([{ sku: 'TENT', quantity: 2 }, { sku: 'STOVE', quantity: 3 }]));
    assert.equal(outcome.outcome, 'UNAVAILABLE');
    assert.deepEqual([table.level('TENT'), table.level('STOVE')], [5, 1]);
    assert.equal(table.items.get('ORDER#o-1')?.outcome?.S, 'UNAVAILABLE');
    assert.equal(table.published[0].DetailType, 'StockUnavailable');
  });

  test('treats a redelivered OrderPlaced as a duplicate: stock moves once and the first outcome is republished', async () => {
    const table = inventoryTable({ TENT: 5 });
    const reserve = createReserveStock(table.ports, 'Inventory', 'CommerceBus', NOW);
    const first = await reserve(orderPlaced([{ sku: 'TENT', quantity: 2 }]));
    const later = createReserveStock(table.ports, 'Inventory', 'CommerceBus', () => new Date('2026-12-05T11:00:00.000Z'));
    const again = await later(orderPlaced([{ sku: 'TENT', quantity: 2 }]));
    assert.equal(table.level('TENT'), 3, 'the second delivery must not decrement again');
    assert.deepEqual(again, first);
    assert.deepEqual(table.published.map((e) => [e.DetailType, e.Detail]), [
      ['StockReserved', JSON.stringify(first)],
      ['StockReserved', JSON.stringify(first)],
    ]);
  });

  test('keeps a refusal a refusal when the same order is redelivered after a restock', async () => {
    const table = inventoryTable({ TENT: 1 });
    const reserve = createReserveStock(table.ports, 'Inventory', 'CommerceBus', NOW);
    await reserve(orderPlaced([{ sku: 'TENT', quantity: 2 }]));
    table.items.set('TENT', { sku: { S: 'TENT' }, available: { N: '10' } });
    const again = await reserve(orderPlaced([{ sku: 'TENT', quantity: 2 }]));
    assert.equal(again.outcome, 'UNAVAILABLE');
    assert.equal(table.level('TENT'), 10);
  });

  test('throws on any other DynamoDB failure so Lambda retries and then dead-letters the event', async () => {
    const table = inventoryTable({ TENT: 5 });
    const failing: InventoryPorts = { ...table.ports, transact: async () => { throw new Error('ProvisionedThroughputExceededException'); } };
    await assert.rejects(createReserveStock(failing, 'Inventory', 'CommerceBus', NOW)(orderPlaced([{ sku: 'TENT', quantity: 1 }])), /Throughput/);
    assert.deepEqual(table.published, []);
  });
});
