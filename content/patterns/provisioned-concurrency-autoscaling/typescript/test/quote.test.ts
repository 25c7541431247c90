import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import shippedRateCard from '../lambda/rate-card.json';
import { compileRateCard, createHandler, describeEnvironment, priceParcel } from '../lambda/quote';

const card = compileRateCard(shippedRateCard);

function request(query: Record<string, string> | undefined): APIGatewayProxyEventV2 {
  return { rawPath: '/quote', queryStringParameters: query, requestContext: { http: { method: 'GET' } } } as unknown as APIGatewayProxyEventV2;
}

const warm = { initType: 'provisioned-concurrency', initialisedAt: '2026-12-05T07:44:10.000Z' };

describe('compileRateCard', () => {
  test('compiles the shipped rate card into one tariff per country', () => {
    assert.equal(card.currency, 'EUR');
    assert.equal(card.maxWeightKg, 31.5);
    assert.equal(card.tariffs.size, 19);
    assert.deepEqual(card.tariffs.get('FR'), { zone: 'eu', baseCents: 890, perKgCents: 90 });
  });

  test('refuses a broken rate card during initialisation', () => {
    const twice = { currency: 'EUR', maxWeightKg: 10, zones: { eu: { baseCents: 1, perKgCents: 1, countries: ['FR'] }, world: { baseCents: 2, perKgCents: 2, countries: ['FR'] } } };
    assert.throws(() => compileRateCard(twice), /rate card: FR is in both eu and world/);
    const fractional = { currency: 'EUR', maxWeightKg: 10, zones: { eu: { baseCents: 8.9, perKgCents: 90, countries: ['FR'] } } };
    assert.throws(() => compileRateCard(fractional), /rate card: zone eu needs whole, non-negative baseCents and perKgCents/);
    assert.throws(() => compileRateCard({ currency: 'euro', maxWeightKg: 10, zones: {} }), /rate card: currency/);
    assert.throws(() => compileRateCard(undefined), /rate card:/);
  });
});

describe('priceParcel', () => {
  test('prices a parcel by the zone of its destination and every started kilogram', () => {
    assert.deepEqual(priceParcel(card, 'FR', '2.5'), {
      destination: 'FR',
      zone: 'eu',
      weightKg: 2.5,
      billableKg: 3,
      price: { amountCents: 890 + 90 * 3, currency: 'EUR' },
    });
    assert.equal((priceParcel(card, 'DE', '2') as { price: { amountCents: number } }).price.amountCents, 490 + 40 * 2);
    assert.equal((priceParcel(card, 'US', '31.5') as { billableKg: number }).billableKg, 32);
  });

  test('reads the destination without regard to case or surrounding spaces', () => {
    assert.deepEqual(priceParcel(card, ' fr ', '1'), priceParcel(card, 'FR', '1'));
  });

  test('turns away unknown destinations and malformed or out-of-range weights', () => {
    assert.deepEqual(priceParcel(card, 'BR', '1'), { problem: 'We do not ship to BR.' });
    for (const to of [undefined, '', 'FRA', 'F1']) assert.match((priceParcel(card, to, '1') as { problem: string }).problem, /two-letter country code/);
    for (const weight of [undefined, '', '0', '-1', '31.6', '1e1', '0x10', 'two', '2.5kg', 'NaN']) {
      assert.match((priceParcel(card, 'FR', weight) as { problem: string }).problem, /weightKg as a number above 0 and up to 31.5/, `weight ${weight}`);
    }
  });
});

describe('quote handler', () => {
  test('answers a quote and says how its environment was initialised', async () => {
    const handler = createHandler(card, warm);
    const response = await handler(request({ to: 'FR', weightKg: '2.5' }));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.['x-init-type'], 'provisioned-concurrency');
    // The exact bytes both language versions send.
    assert.equal(
      response.body,
      '{"destination":"FR","zone":"eu","weightKg":2.5,"billableKg":3,"price":{"amountCents":1160,"currency":"EUR"},' +
        '"servedBy":{"initType":"provisioned-concurrency","initialisedAt":"2026-12-05T07:44:10.000Z","requestNumber":1}}',
    );
    assert.deepEqual(JSON.parse(String(response.body)), {
      destination: 'FR',
      zone: 'eu',
      weightKg: 2.5,
      billableKg: 3,
      price: { amountCents: 1160, currency: 'EUR' },
      servedBy: { initType: 'provisioned-concurrency', initialisedAt: '2026-12-05T07:44:10.000Z', requestNumber: 1 },
    });
  });

  test('counts the requests one environment has served', async () => {
    const handler = createHandler(card, warm);
    await handler(request({ to: 'DE', weightKg: '1' }));
    await handler(request({ to: 'BR', weightKg: '1' }));
    const third = JSON.parse(String((await handler(request({ to: 'DE', weightKg: '1' }))).body));
    assert.equal(third.servedBy.requestNumber, 3);
  });

  test('answers 400 with the reason and no price for a request it cannot price', async () => {
    const handler = createHandler(card, warm);
    const response = await handler(request(undefined));
    assert.equal(response.statusCode, 400);
    const body = JSON.parse(String(response.body));
    assert.match(body.message, /two-letter country code/);
    assert.equal(body.price, undefined);
  });

  test('reads the initialisation type Lambda sets, and says unknown outside Lambda', () => {
    const now = new Date('2026-12-05T18:59:00.123Z');
    assert.deepEqual(describeEnvironment({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }, now), { initType: 'on-demand', initialisedAt: '2026-12-05T18:59:00.123Z' });
    assert.equal(describeEnvironment({}, now).initType, 'unknown');
  });
});
