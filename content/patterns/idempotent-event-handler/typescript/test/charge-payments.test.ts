import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { type Charge, type ChargePayment, createChargeHandler, idempotencyStore, recordCharge } from '../lambda/charge-payments';
import {
  IDEMPOTENCY_KEY_PREFIX,
  IDEMPOTENCY_TTL_ATTRIBUTE,
  IDEMPOTENCY_WINDOW_SECONDS,
} from '../lambda/idempotency-settings';
import { InvalidPaymentRequest, parsePaymentRequest, type PaymentRequest } from '../lambda/payment-request';
import { FakeDynamoDB } from './fake-dynamodb';

const IDEMPOTENCY_TABLE = 'IdempotencyRecords';
const PAYMENTS_TABLE = 'Payments';

const payment: PaymentRequest = { paymentId: 'pay-1001', customerId: 'cus-42', amount: 4250, currency: 'EUR' };

function record(messageId: string, body: unknown, receiveCount = 1): SQSRecord {
  return {
    messageId,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  } as unknown as SQSRecord;
}

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** Just enough of a Lambda context: Powertools reads the remaining time to bound its in-progress lock. */
const contextWith = (remainingMillis: number) => ({ getRemainingTimeInMillis: () => remainingMillis }) as unknown as Context;
const context = contextWith(20_000);

let logged: Record<string, unknown>[] = [];
const originals = { info: console.info, error: console.error, warn: console.warn };
beforeEach(() => {
  logged = [];
  // Only the handler's own JSON lines; Node's process warnings also arrive through console.error.
  const capture = (line: unknown) => {
    if (typeof line === 'string' && line.startsWith('{')) logged.push(JSON.parse(line));
  };
  console.info = capture;
  console.error = capture;
  console.warn = () => {};
});
afterEach(() => Object.assign(console, originals));

/** The real handler, on the real Powertools DynamoDB layer, over an in-memory DynamoDB. */
function setUp(wrap: (charge: ChargePayment) => ChargePayment = (charge) => charge) {
  const dynamo = new FakeDynamoDB({ [IDEMPOTENCY_TABLE]: ['id'], [PAYMENTS_TABLE]: ['paymentId', 'chargeId'] });
  let n = 0;
  const charge = recordCharge(dynamo.client, PAYMENTS_TABLE, () => `ch-${++n}`);
  const handler = createChargeHandler({ persistenceStore: idempotencyStore(dynamo.client, IDEMPOTENCY_TABLE), charge: wrap(charge) });
  const charges = () => dynamo.items(PAYMENTS_TABLE);
  const idempotencyItem = () => {
    const items = dynamo.items(IDEMPOTENCY_TABLE);
    assert.equal(items.length, 1);
    return items[0];
  };
  return { dynamo, handler, charges, idempotencyItem };
}

describe('parsePaymentRequest', () => {
  test('accepts a well-formed payment request and keeps only its four fields', () => {
    assert.deepEqual(parsePaymentRequest(JSON.stringify(payment)), payment);
  });

  test('rejects missing, malformed or extra fields with a reason', () => {
    const cases: [unknown, RegExp][] = [
      ['{', /not JSON/],
      [[payment], /not a JSON object/],
      [{ ...payment, paymentId: undefined }, /paymentId/],
      [{ ...payment, paymentId: 'has spaces' }, /paymentId/],
      [{ ...payment, customerId: '' }, /customerId/],
      [{ ...payment, amount: 42.5 }, /amount/],
      [{ ...payment, amount: 0 }, /amount/],
      [{ ...payment, amount: '4250' }, /amount/],
      [{ ...payment, currency: 'eur' }, /currency/],
      [{ ...payment, note: 'x' }, /unexpected field note/],
    ];
    for (const [input, reason] of cases) {
      const body = typeof input === 'string' ? input : JSON.stringify(input);
      assert.throws(() => parsePaymentRequest(body), (e: Error) => e instanceof InvalidPaymentRequest && reason.test(e.message), body);
    }
  });
});

describe('the charge handler, with the Powertools idempotency utility', () => {
  test('charges once when SQS delivers the same message twice, and returns the stored charge the second time', async () => {
    const { handler, charges } = setUp();
    assert.deepEqual(await handler(batch(record('msg-1', payment)), context), { batchItemFailures: [] });
    assert.deepEqual(await handler(batch(record('msg-1', payment, 2)), context), { batchItemFailures: [] });

    assert.equal(charges().length, 1, 'exactly one charge in the ledger');
    assert.deepEqual(
      logged.map((l) => [l.message, l.chargeId]),
      [
        ['payment charged', 'ch-1'],
        ['payment already charged; returned the stored charge', 'ch-1'],
      ],
    );
  });

  test('charges once when the producer resends the payment as a new message', async () => {
    const { handler, charges } = setUp();
    await handler(batch(record('msg-1', payment)), context);
    // A producer that timed out and retried: same paymentId, a message id SQS has never seen.
    const retry = await handler(batch(record('msg-2', payment)), context);
    assert.deepEqual(retry, { batchItemFailures: [] });
    assert.equal(charges().length, 1);
    assert.equal(logged[1].chargeId, 'ch-1');
  });

  test('charges once for two copies of a payment in the same batch, and separately for another payment', async () => {
    const { handler, charges } = setUp();
    const other = { ...payment, paymentId: 'pay-1002' };
    const result = await handler(batch(record('a', payment), record('b', payment), record('c', other)), context);
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(charges().map((c) => [c.paymentId.S, c.chargeId.S]).sort(), [
      ['pay-1001', 'ch-1'],
      ['pay-1002', 'ch-2'],
    ]);
  });

  test('refuses a paymentId reused with a different amount, reporting only that record as failed', async () => {
    const { handler, charges } = setUp();
    await handler(batch(record('msg-1', payment)), context);
    for (const changed of [{ amount: 9999 }, { currency: 'USD' }, { customerId: 'cus-43' }]) {
      const result = await handler(batch(record('msg-2', { ...payment, ...changed }), record('msg-3', payment)), context);
      assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'msg-2' }] }, JSON.stringify(changed));
    }
    assert.deepEqual(charges().map((c) => c.amount.N), ['4250'], 'the original charge stands, nothing else was charged');
    const refusal = logged.find((l) => l.sqsMessageId === 'msg-2');
    assert.equal(refusal?.message, 'paymentId already used for a different charge; refused');
    assert.match(String(refusal?.error), /IdempotencyValidationError/);
  });

  test('reports a payment still being charged elsewhere as a failed record, and charges it once when retried', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const { handler, charges } = setUp((charge) => async (p) => {
      calls += 1;
      if (calls === 1) await gate; // the first invocation is still talking to the provider
      return charge(p);
    });

    const first = handler(batch(record('msg-1', payment)), context);
    await new Promise((resolve) => setImmediate(resolve));
    const concurrent = await handler(batch(record('msg-2', payment)), context);
    assert.deepEqual(concurrent, { batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
    assert.equal(logged.at(-1)?.message, 'payment is being charged by another invocation; will retry');

    release();
    assert.deepEqual(await first, { batchItemFailures: [] });
    // SQS redelivers msg-2 after its visibility timeout: it now finds the completed record.
    assert.deepEqual(await handler(batch(record('msg-2', payment, 2)), context), { batchItemFailures: [] });
    assert.equal(charges().length, 1);
    assert.equal(calls, 1, 'the provider was called once');
  });

  test('takes over a payment whose invocation died mid-charge once that invocation would have timed out', async () => {
    let calls = 0;
    const { handler, charges } = setUp((charge) => async (p) => {
      calls += 1;
      if (calls === 1) return new Promise<Charge>(() => {}); // hangs: the function times out here
      return charge(p);
    });

    void handler(batch(record('msg-1', payment)), contextWith(1_000));
    await new Promise((resolve) => setImmediate(resolve));
    // Within the dead invocation's remaining time the lock still holds.
    assert.deepEqual(await handler(batch(record('msg-1', payment, 2)), context), { batchItemFailures: [{ itemIdentifier: 'msg-1' }] });

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.deepEqual(await handler(batch(record('msg-1', payment, 3)), context), { batchItemFailures: [] });
    assert.equal(charges().length, 1);
  });

  test('releases the key when the charge fails, so the retry charges', async () => {
    let calls = 0;
    const { handler, charges, dynamo } = setUp((charge) => async (p) => {
      calls += 1;
      if (calls === 1) throw new Error('provider unavailable');
      return charge(p);
    });
    assert.deepEqual(await handler(batch(record('msg-1', payment)), context), { batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    assert.equal(logged[0].message, 'charging the payment failed; will retry');
    assert.equal(dynamo.items(IDEMPOTENCY_TABLE).length, 0, 'the in-progress record was deleted');
    assert.deepEqual(await handler(batch(record('msg-1', payment, 2)), context), { batchItemFailures: [] });
    assert.equal(charges().length, 1);
  });

  test('rejects a malformed request as a failed record without touching either table', async () => {
    const { handler, dynamo } = setUp();
    const result = await handler(batch(record('bad', { ...payment, amount: -1 }), record('good', payment)), context);
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'bad' }] });
    assert.equal(logged[0].message, 'rejected malformed payment request');
    assert.deepEqual(dynamo.calls.filter((c) => c.startsWith('PutItem')), [`PutItem ${IDEMPOTENCY_TABLE}`, `PutItem ${PAYMENTS_TABLE}`]);
  });

  test('keeps a completed record for 24 hours, with its lock bounded by the remaining invocation time', async () => {
    const { handler, idempotencyItem, dynamo } = setUp();
    const before = Date.now();
    await handler(batch(record('msg-1', payment)), contextWith(20_000));
    const item = idempotencyItem();

    assert.equal(IDEMPOTENCY_WINDOW_SECONDS, 24 * 60 * 60);
    assert.match(item.id.S!, new RegExp(`^${IDEMPOTENCY_KEY_PREFIX}#`), 'keyed by a fixed prefix, not the function name');
    assert.equal(item.status.S, 'COMPLETED');
    const expiry = Number(item[IDEMPOTENCY_TTL_ATTRIBUTE].N);
    assert.ok(Math.abs(expiry - (before / 1000 + IDEMPOTENCY_WINDOW_SECONDS)) < 5, `expiry ${expiry} is 24 hours out`);
    const lock = Number(item.in_progress_expiration.N);
    assert.ok(lock >= before + 20_000 && lock < before + 25_000, 'the in-progress lock ends when the invocation would time out');
    assert.ok(item.validation.S, 'the hash of customerId, amount and currency is stored');
    assert.equal(item.data.M?.chargeId.S, 'ch-1', 'the charge is stored to answer repeats');
    // The layer only ever gets, puts, updates and deletes single items.
    assert.deepEqual([...new Set(dynamo.calls.map((c) => c.split(' ')[0]))].sort(), ['PutItem', 'UpdateItem']);
  });

  test('keys on paymentId alone: the same payment under a different message is the same key', async () => {
    const { handler, dynamo } = setUp();
    await handler(batch(record('msg-1', payment)), context);
    await handler(batch(record('msg-2', payment)), context);
    await handler(batch(record('msg-3', { ...payment, paymentId: 'pay-2' })), context);
    assert.equal(dynamo.items(IDEMPOTENCY_TABLE).length, 2);
  });
});
