import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { handler as fraudScorer } from '../lambda/fraud-scorer';
import { handler as shippingQuoter } from '../lambda/shipping-quoter';
import { ParallelExecutionStack } from '../lib/parallel-execution-stack';
import { type Asl, type World, aslOf, simulate } from './asl';
import { appFromCdkJson } from './cdk-app';
import { order, quiet } from './fixtures';

/**
 * Runs orders through the synthesized definition: the real handlers, the real JSONata of every Output, Catch and
 * Choice rule, and a stock table as a map. This is where the join's shape is held against what the Choice reads.
 */
describe('order check routing', () => {
  let asl: Asl;
  const world = (overrides: Partial<World> = {}): World => ({
    functions: { FraudScorer: fraudScorer, ShippingQuoter: shippingQuoter },
    stock: { 'KB-001': 40, 'MS-002': 3 },
    ...overrides,
  });
  const run = (input: unknown, w: World = world()) => quiet(() => simulate(asl, input, w));

  before(() => {
    asl = aslOf(Template.fromStack(new ParallelExecutionStack(appFromCdkJson(), 'Under-Test')));
  });

  test('approves an in-stock, low-risk order to a country the shop serves, with every check in the output', async () => {
    assert.deepEqual(await run(order()), {
      status: 'SUCCEEDED',
      endState: 'Order approved',
      output: {
        orderId: 'ord-1001',
        decision: 'APPROVED',
        fraud: { status: 'SCORED', score: 0, signals: [] },
        stock: { status: 'IN_STOCK', available: 40 },
        shipping: { status: 'QUOTED', zone: 'DOMESTIC', costCents: 490, days: 2 },
      },
    });
  });

  test('rejects an order the stock cannot cover, or a product it does not know, even while the fraud scorer is down', async () => {
    const short = await run(order({ sku: 'MS-002', quantity: 4 }), world({ failing: { FraudScorer: 'Lambda.TooManyRequestsException' } }));
    assert.equal(short.status === 'SUCCEEDED' && short.endState, 'Order rejected');
    assert.deepEqual(short.status === 'SUCCEEDED' && [short.output.stock, short.output.fraud], [
      { status: 'SHORT', available: 3 },
      { status: 'UNAVAILABLE', error: 'Lambda.TooManyRequestsException' },
    ]);
    const unknown = await run(order({ sku: 'XX-404' }));
    assert.deepEqual(unknown.status === 'SUCCEEDED' && [unknown.endState, unknown.output.stock], ['Order rejected', { status: 'SHORT', available: 0 }]);
    const exact = await run(order({ sku: 'MS-002', quantity: 3 }));
    assert.equal(exact.status === 'SUCCEEDED' && exact.endState, 'Order approved');
  });

  test('rejects a likely fraud and a destination the shop cannot ship to', async () => {
    const fraud = await run(order({ unitPriceCents: 60_000, customer: { id: 'cust-9', accountAgeDays: 2, billingCountry: 'DE' }, shipTo: { country: 'FR' } }));
    assert.deepEqual(fraud.status === 'SUCCEEDED' && [fraud.endState, fraud.output.fraud.score], ['Order rejected', 85]);
    const nowhere = await run(order({ shipTo: { country: 'BR' }, customer: { id: 'cust-42', accountAgeDays: 420, billingCountry: 'BR' } }));
    assert.deepEqual(nowhere.status === 'SUCCEEDED' && [nowhere.endState, nowhere.output.shipping], [
      'Order rejected',
      { status: 'NO_ROUTE', reason: 'DESTINATION_NOT_SERVED' },
    ]);
  });

  test('holds an order for review when the fraud scorer or the shipping quoter stays unavailable, or the score is elevated', async () => {
    const noScore = await run(order(), world({ failing: { FraudScorer: 'States.Timeout' } }));
    assert.deepEqual(noScore.status === 'SUCCEEDED' && [noScore.endState, noScore.output.fraud], [
      'Order held for review',
      { status: 'UNAVAILABLE', error: 'States.Timeout' },
    ]);
    const noQuote = await run(order(), world({ failing: { ShippingQuoter: 'Lambda.ServiceException' } }));
    assert.deepEqual(noQuote.status === 'SUCCEEDED' && [noQuote.endState, noQuote.output.shipping], [
      'Order held for review',
      { status: 'UNAVAILABLE', error: 'Lambda.ServiceException' },
    ]);
    const elevated = await run(order({ customer: { id: 'cust-8', accountAgeDays: 5, billingCountry: 'AT' } }));
    assert.deepEqual(elevated.status === 'SUCCEEDED' && [elevated.endState, elevated.output.fraud.score], ['Order held for review', 50]);
  });

  test('fails the whole check, with the original error, when the stock read keeps failing or the order is invalid', async () => {
    assert.deepEqual(await run(order(), world({ failing: { Stock: 'DynamoDB.ProvisionedThroughputExceededException' } })), {
      status: 'FAILED',
      error: 'DynamoDB.ProvisionedThroughputExceededException',
      cause: 'the Stock table kept failing',
    });
    assert.deepEqual(await run({ ...order(), quantity: 0 }), {
      status: 'FAILED',
      error: 'InvalidOrder',
      cause: 'quantity must be a whole number from 1 to 99',
    });
    // A bug in a function is not unavailability: it fails the check instead of sending orders to review.
    const buggy = world({ functions: { FraudScorer: async () => Promise.reject(new TypeError('x is undefined')), ShippingQuoter: shippingQuoter } });
    assert.deepEqual(await run(order(), buggy), { status: 'FAILED', error: 'TypeError', cause: 'x is undefined' });
  });
});
