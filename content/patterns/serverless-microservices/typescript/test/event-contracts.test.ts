import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEventV2, EventBridgeEvent } from 'aws-lambda';
import type { OrderPlacedDetail } from '../lambda/contracts';
import { createPlaceOrder } from '../lambda/place-order';
import { createReserveStock } from '../lambda/reserve-stock';
import { ServerlessMicroservicesStack } from '../lib/serverless-microservices-stack';
import { appFromCdkJson } from './cdk-app';
import { asDelivered, matches } from './event-pattern';

process.env.AWS_REGION ??= 'us-east-1';

/** The events the real handlers publish, held against the real rule patterns of the template. */
describe('event contracts between the services', () => {
  let reserveStockRule: Record<string, unknown>;
  let stockOutcomeRule: Record<string, unknown>;

  before(() => {
    const rules = Template.fromStack(new ServerlessMicroservicesStack(appFromCdkJson(), 'Contracts')).findResources('AWS::Events::Rule');
    const pattern = (prefix: string) => Object.entries(rules).find(([id]) => id.startsWith(prefix))![1].Properties.EventPattern;
    reserveStockRule = pattern('InventoryServiceReserveStockRule');
    stockOutcomeRule = pattern('OrdersServiceStockOutcomeRule');
  });

  async function publishedByPlaceOrder(): Promise<PutEventsRequestEntry> {
    const published: PutEventsRequestEntry[] = [];
    const place = createPlaceOrder({ putOrder: async () => {}, deleteOrder: async () => {}, publish: async (e) => void published.push(e) }, 'CommerceBus');
    await place({ body: JSON.stringify({ lines: [{ sku: 'TENT', quantity: 1 }] }) } as unknown as APIGatewayProxyEventV2);
    return published[0];
  }

  async function publishedByReserveStock(available: number): Promise<PutEventsRequestEntry> {
    const published: PutEventsRequestEntry[] = [];
    const { TransactionCanceledException } = await import('@aws-sdk/client-dynamodb');
    const reserve = createReserveStock(
      {
        transact: async (input) => {
          const short = (input.TransactItems ?? []).length > 1 && available < 1;
          if (short) throw new TransactionCanceledException({ message: 'x', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
          return {};
        },
        get: async () => ({}),
        publish: async (e) => void published.push(e),
      },
      'Inventory',
      'CommerceBus',
    );
    await reserve({ detail: { orderId: 'o-1', lines: [{ sku: 'TENT', quantity: 1 }], placedAt: 'now' } } as unknown as EventBridgeEvent<'OrderPlaced', OrderPlacedDetail>);
    return published[0];
  }

  test("PlaceOrder's OrderPlaced reaches Inventory's rule and not Orders' own", async () => {
    const event = asDelivered(await publishedByPlaceOrder());
    assert.equal(matches(reserveStockRule, event), true);
    assert.equal(matches(stockOutcomeRule, event), false);
    assert.deepEqual(Object.keys(event.detail as object).sort(), ['lines', 'orderId', 'placedAt']);
  });

  test("ReserveStock's outcomes reach Orders' rule, both kinds, and never Inventory's own", async () => {
    for (const available of [1, 0]) {
      const entry = await publishedByReserveStock(available);
      const event = asDelivered(entry);
      assert.equal(entry.DetailType, available ? 'StockReserved' : 'StockUnavailable');
      assert.equal(matches(stockOutcomeRule, event), true);
      assert.equal(matches(reserveStockRule, event), false);
      assert.deepEqual(Object.keys(event.detail as object).sort(), ['decidedAt', 'orderId', 'outcome']);
    }
  });

  test('the matcher follows EventBridge semantics for the forms it supports', () => {
    const event = { source: 'shop.orders', detail: { tags: ['a', 'b'], n: 5 } };
    assert.equal(matches({ source: ['shop.orders', 'shop.x'] }, event), true);
    assert.equal(matches({ detail: { tags: ['b'] } }, event), true, 'an array value matches if any element does');
    assert.equal(matches({ detail: { missing: [{ exists: false }] } }, event), true);
    assert.equal(matches({ detail: { missing: ['x'] } }, event), false);
    assert.equal(matches({ source: [{ prefix: 'shop.' }] }, event), true);
    assert.equal(matches({ source: [{ 'anything-but': 'shop.orders' }] }, event), false);
    assert.equal(matches({ detail: { n: [5] } }, event), true);
    assert.equal(matches({ detail: { n: ['5'] } }, event), false, 'types must match');
  });
});
