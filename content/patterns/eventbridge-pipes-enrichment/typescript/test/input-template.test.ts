import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHandler, type CustomerProfile } from '../lambda/enrich-order';
import { TARGET_INPUT_TEMPLATE } from '../lib/priority-orders-pipe';
import { PRIORITY_ORDER, sqsRecord } from './fixtures';
import { applyInputTemplate, templatePaths } from './input-template';

const ADA: CustomerProfile = { found: true, name: 'Ada Lovelace', tier: 'gold', country: 'GB' };

/** Runs the real enrichment on one record with a stubbed lookup and returns its single output element. */
async function enrich(order: unknown, profiles: Record<string, CustomerProfile>) {
  const handler = createHandler(async () => new Map(Object.entries(profiles)));
  const [element] = await handler([sqsRecord(order, 'msg-1')]);
  return element;
}

describe('the target input template, applied to what the enrichment returns', () => {
  test('reshapes an enriched order into the event detail the bus receives', async () => {
    const detail = applyInputTemplate(TARGET_INPUT_TEMPLATE, await enrich(PRIORITY_ORDER, { 'cust-42': ADA }));
    assert.deepEqual(detail, {
      orderId: 'ord-1001',
      total: 129.5,
      customer: { id: 'cust-42', known: true, name: 'Ada Lovelace', tier: 'gold', country: 'GB' },
      sqsMessageId: 'msg-1',
    });
  });

  test('renders an order from an unknown customer with the same fields, marked unknown', async () => {
    const detail = applyInputTemplate(TARGET_INPUT_TEMPLATE, await enrich({ ...PRIORITY_ORDER, customerId: 'cust-404' }, {}));
    assert.deepEqual(detail, {
      orderId: 'ord-1001',
      total: 129.5,
      customer: { id: 'cust-404', known: false, name: '', tier: 'unknown', country: '' },
      sqsMessageId: 'msg-1',
    });
  });

  test('lets nothing else of the order through, such as its shipping address or type', async () => {
    const detail = JSON.stringify(applyInputTemplate(TARGET_INPUT_TEMPLATE, await enrich(PRIORITY_ORDER, { 'cust-42': ADA })));
    assert.doesNotMatch(detail, /shippingAddress|Analytical Row|orderType/);
  });

  test('reads only paths the enrichment always returns, with every placeholder in value position', () => {
    assert.deepEqual(templatePaths(TARGET_INPUT_TEMPLATE), [
      '$.order.orderId',
      '$.order.total',
      '$.order.customerId',
      '$.customer.found',
      '$.customer.name',
      '$.customer.tier',
      '$.customer.country',
      '$.messageId',
    ]);
    // A quoted placeholder would render as a string inside a string and break the JSON.
    assert.doesNotMatch(TARGET_INPUT_TEMPLATE, /"<\$/);
    assert.throws(() => applyInputTemplate(TARGET_INPUT_TEMPLATE, { messageId: 'm', order: PRIORITY_ORDER }), /no value at \$\.customer\.found/);
  });
});
