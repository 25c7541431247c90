import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { MapStateDynamicParallelismStack } from '../lib/map-state-dynamic-parallelism-stack';
import { type Definition, choose, definitionOf } from './asl';
import { appFromCdkJson } from './cdk-app';

const order = (n: number) => ({ orderId: `ord-${n}`, currency: 'EUR', lines: [{ sku: 'TEA', quantity: 1, unitPriceCents: 450 }] });
const orders = (count: number) => Array.from({ length: count }, (_, n) => order(n));

describe('Route job', () => {
  let definition: Definition;
  let route: (input: unknown) => string;

  before(() => {
    definition = definitionOf(Template.fromStack(new MapStateDynamicParallelismStack(appFromCdkJson(), 'Under-Test')));
    const first = definition.States[definition.StartAt]!;
    route = (input) => choose(first, input);
  });

  test('starts at the Choice that routes the job', () => {
    assert.equal(definition.StartAt, 'Route job');
    assert.equal(definition.States['Route job']!.Type, 'Choice');
  });

  test('sends a list of 1 to 400 orders to the inline Map', () => {
    assert.equal(route({ items: orders(1) }), 'Price inline orders');
    assert.equal(route({ items: orders(400) }), 'Price inline orders');
    assert.equal(definition.States['Price inline orders']!.ItemProcessor.ProcessorConfig.Mode, 'INLINE');
  });

  test('refuses a list of more than 400 orders with TooManyInlineOrders', () => {
    assert.equal(route({ items: orders(401) }), 'Too many inline orders');
    assert.equal(route({ items: orders(2000) }), 'Too many inline orders');
    assert.deepEqual(
      [definition.States['Too many inline orders']!.Type, definition.States['Too many inline orders']!.Error],
      ['Fail', 'TooManyInlineOrders'],
    );
  });

  test('sends a manifest key under manifests/ to the Distributed Map', () => {
    assert.equal(route({ manifest: { key: 'manifests/orders.json' } }), 'Price manifest orders');
    assert.equal(route({ manifest: { key: 'manifests/2026/12/orders.json' } }), 'Price manifest orders');
    assert.equal(definition.States['Price manifest orders']!.ItemProcessor.ProcessorConfig.Mode, 'DISTRIBUTED');
  });

  test('prefers inline orders when a job carries both', () => {
    assert.equal(route({ items: orders(3), manifest: { key: 'manifests/orders.json' } }), 'Price inline orders');
  });

  test('fails anything else with InvalidJob, and never compares a missing or mistyped field', () => {
    // choose() throws States.Runtime where Step Functions would, so each of these also proves the rule order is safe.
    for (const input of [
      {},
      { items: [] },
      { items: 'ord-1' },
      { items: { 0: order(0) } },
      { manifest: 'manifests/orders.json' },
      { manifest: {} },
      { manifest: { key: 42 } },
      { manifest: { key: null } },
      { manifest: { key: 'results/orders.json' } },
      { manifest: { key: 'orders.json' } },
      { manifest: { key: 'Manifests/orders.json' } },
    ]) {
      assert.equal(route(input), 'Invalid job', JSON.stringify(input));
    }
    assert.deepEqual([definition.States['Invalid job']!.Type, definition.States['Invalid job']!.Error], ['Fail', 'InvalidJob']);
  });
});
