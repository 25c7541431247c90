import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  type CheckoutFlags,
  FALLBACK_MARKER,
  FLAT_SHIPPING_CENTS,
  type FlagRead,
  SAFE_DEFAULTS,
  agentFlags,
  createHandler,
  parseFlags,
  priceCart,
  rolloutBucket,
} from '../lambda/quote';

/** What the agent returns for a profile: flag keys with enabled and, for enabled flags, their attributes. */
const AGENT_ANSWER = {
  newPricing: { enabled: true, rolloutPercent: 20, discountPercent: 10 },
  freeShipping: { enabled: true, thresholdCents: 5000 },
  promoBanner: { enabled: true, message: 'Spring sale' },
};

const fromAgent = (flags: CheckoutFlags): FlagRead => ({ flags, source: 'appconfig' });

async function quietly<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const original = console.warn;
  const warnings: string[] = [];
  console.warn = (line: string) => void warnings.push(line);
  try {
    return { result: await run(), warnings };
  } finally {
    console.warn = original;
  }
}

describe('parseFlags', () => {
  test('reads enabled flags with their attributes', () => {
    assert.deepEqual(parseFlags(AGENT_ANSWER), AGENT_ANSWER);
  });

  test('treats a disabled, missing or malformed flag as off, flag by flag', () => {
    const flags = parseFlags({
      newPricing: { enabled: true, rolloutPercent: '20', discountPercent: 10 },
      freeShipping: { enabled: false },
      promoBanner: { enabled: true },
    });
    assert.deepEqual(flags, SAFE_DEFAULTS);
    assert.deepEqual(parseFlags(null), SAFE_DEFAULTS);
    assert.deepEqual(parseFlags({ freeShipping: { enabled: true, thresholdCents: 100 } }).freeShipping, { enabled: true, thresholdCents: 100 });
  });
});

describe('rolloutBucket', () => {
  test('puts a customer in the same bucket every time', () => {
    assert.equal(rolloutBucket('newPricing', 'c-1002'), 9);
    assert.equal(rolloutBucket('newPricing', 'c-1001'), 14);
    assert.equal(rolloutBucket('newPricing', 'c-1003'), 78);
    assert.equal(rolloutBucket('newPricing', 'c-1001'), rolloutBucket('newPricing', 'c-1001'));
  });
});

describe('priceCart', () => {
  test('prices with the new engine only for customers inside the rollout percentage', () => {
    const flags = parseFlags(AGENT_ANSWER);
    const inside = priceCart({ customerId: 'c-1001', cartCents: 7400 }, fromAgent(flags));
    assert.deepEqual(inside, {
      customerId: 'c-1001',
      cartCents: 7400,
      pricing: 'new',
      discountCents: 740,
      shippingCents: 0,
      totalCents: 6660,
      banner: 'Spring sale',
      flags: 'appconfig',
    });
    const outside = priceCart({ customerId: 'c-1003', cartCents: 7400 }, fromAgent(flags));
    assert.equal(outside.pricing, 'classic');
    assert.equal(outside.discountCents, 0);
    assert.equal(outside.totalCents, 7400);
  });

  test('charges flat shipping below the threshold and ships free at or above it', () => {
    const flags = parseFlags(AGENT_ANSWER);
    assert.equal(priceCart({ customerId: 'c-1003', cartCents: 4999 }, fromAgent(flags)).shippingCents, FLAT_SHIPPING_CENTS);
    assert.equal(priceCart({ customerId: 'c-1003', cartCents: 5000 }, fromAgent(flags)).shippingCents, 0);
  });

  test('with every flag off prices the classic way: no discount, flat shipping, no banner', () => {
    const quote = priceCart({ customerId: 'c-1001', cartCents: 7400 }, { flags: SAFE_DEFAULTS, source: 'defaults' });
    assert.deepEqual(quote, {
      customerId: 'c-1001',
      cartCents: 7400,
      pricing: 'classic',
      discountCents: 0,
      shippingCents: FLAT_SHIPPING_CENTS,
      totalCents: 7400 + FLAT_SHIPPING_CENTS,
      banner: null,
      flags: 'defaults',
    });
  });
});

describe('handler', () => {
  test('answers a bad request without reading flags or throwing', async () => {
    let reads = 0;
    const handler = createHandler(async () => {
      reads++;
      return fromAgent(SAFE_DEFAULTS);
    });
    assert.deepEqual(await handler({ customerId: 'c 1', cartCents: 100 }), {
      ok: false,
      error: 'customerId must be 1 to 64 letters, digits, underscores or hyphens',
    });
    assert.equal((await handler({ customerId: 'c-1', cartCents: 1.5 })).ok, false);
    assert.equal((await handler({ customerId: 'c-1', cartCents: -1 })).ok, false);
    assert.equal((await handler(undefined)).ok, false);
    assert.equal(reads, 0);
  });

  test('prices a valid request with the flags it read', async () => {
    const handler = createHandler(async () => fromAgent(parseFlags(AGENT_ANSWER)));
    const response = await handler({ customerId: 'c-1002', cartCents: 2000 });
    assert.equal(response.ok, true);
    assert.equal(response.ok && response.pricing, 'new');
    assert.equal(response.ok && response.totalCents, 1800 + FLAT_SHIPPING_CENTS);
  });
});

describe('agentFlags against a local stand-in for the AppConfig agent', () => {
  let server: Server;
  let base: string;
  const requested: string[] = [];

  before(async () => {
    server = createServer((request, response) => {
      requested.push(request.url ?? '');
      if (request.url?.startsWith('/ok')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(AGENT_ANSWER));
      } else if (request.url?.startsWith('/broken')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"newPricing": ');
      } else if (request.url?.startsWith('/slow')) {
        setTimeout(() => response.writeHead(200).end(JSON.stringify(AGENT_ANSWER)), 500);
      } else {
        response.writeHead(500).end('no configuration yet');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => server.close());

  test('reads every flag of the profile in one local call', async () => {
    const path = '/ok/applications/app/environments/live/configurations/profile';
    const read = await agentFlags(`${base}${path}`)();
    assert.deepEqual(read, { flags: AGENT_ANSWER, source: 'appconfig' });
    assert.equal(requested.filter((url) => url === path).length, 1);
  });

  test('falls back to every flag off when the agent answers an error', async () => {
    const { result, warnings } = await quietly(() => agentFlags(`${base}/error`)());
    assert.deepEqual(result, { flags: SAFE_DEFAULTS, source: 'defaults' });
    assert.match(warnings[0] ?? '', new RegExp(FALLBACK_MARKER));
  });

  test('falls back to every flag off when the agent is not listening', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { result, warnings } = await quietly(() => agentFlags(`http://127.0.0.1:${port}/applications/a`)());
    assert.deepEqual(result, { flags: SAFE_DEFAULTS, source: 'defaults' });
    assert.match(warnings[0] ?? '', new RegExp(FALLBACK_MARKER));
  });

  test('falls back to every flag off when the agent is slower than the timeout or sends broken JSON', async () => {
    const started = Date.now();
    const slow = await quietly(() => agentFlags(`${base}/slow`, 100)());
    assert.ok(Date.now() - started < 450, 'the read gave up at its timeout');
    assert.equal(slow.result.source, 'defaults');
    const broken = await quietly(() => agentFlags(`${base}/broken`)());
    assert.equal(broken.result.source, 'defaults');
  });
});
