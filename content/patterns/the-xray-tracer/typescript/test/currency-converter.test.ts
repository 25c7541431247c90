import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SNSEvent } from 'aws-lambda';
import { convert, createHandler, frankfurterRate, rateUrl } from '../lambda/currency-converter';
import { quietly, recordingTrace } from './recording-trace';

const snsEvent = (...messages: string[]) => ({ Records: messages.map((Message) => ({ Sns: { Message } })) }) as SNSEvent;
const order = (currency: string, total = 100) => `{"orderId":"o-1","customerId":"c-1","total":${total},"currency":"${currency}"}`;

function fakeFetch(status: number, body: unknown) {
  const urls: string[] = [];
  const impl = (async (url: string) => {
    urls.push(url);
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { impl, urls };
}

describe('rate lookup', () => {
  test('builds the latest-rate URL for one currency pair', () => {
    assert.equal(rateUrl('https://api.example.test/v1/', 'USD', 'EUR'), 'https://api.example.test/v1/latest?base=USD&symbols=EUR');
  });

  test('reads the rate from a successful answer', async () => {
    const { impl, urls } = fakeFetch(200, { amount: 1, base: 'USD', date: '2026-11-20', rates: { EUR: 0.9231 } });
    assert.equal(await frankfurterRate('https://api.example.test/v1', impl)('USD', 'EUR'), 0.9231);
    assert.deepEqual(urls, ['https://api.example.test/v1/latest?base=USD&symbols=EUR']);
  });

  test('treats a 4xx as an unknown currency, which retrying cannot fix', async () => {
    const { impl } = fakeFetch(404, { message: 'not found' });
    assert.equal(await frankfurterRate('https://x.test', impl)('XXX', 'EUR'), null);
  });

  test('throws on a 5xx or a missing rate so Lambda retries the event', async () => {
    await assert.rejects(frankfurterRate('https://x.test', fakeFetch(503, {}).impl)('USD', 'EUR'), /503/);
    await assert.rejects(frankfurterRate('https://x.test', fakeFetch(200, { rates: {} }).impl)('USD', 'EUR'), /no usable/);
  });

  test('rounds converted totals to cents', () => {
    assert.equal(convert(1250, 0.92317), 1153.96);
  });
});

describe('currency converter handler', () => {
  test('converts a foreign-currency order with the fetched rate, inside its own span', async () => {
    const asked: string[] = [];
    const { trace, spans, annotated } = recordingTrace();
    const handler = createHandler(async (from, to) => (asked.push(`${from}->${to}`), 0.5), trace);
    const { result } = await quietly(() => handler(snsEvent(order('USD', 80))));
    assert.deepEqual(result, [{ orderId: 'o-1', total: 80, currency: 'USD', rate: 0.5, reportingTotal: 40 }]);
    assert.deepEqual(asked, ['USD->EUR']);
    assert.deepEqual(spans, ['### fetch exchange rate']);
    assert.deepEqual(annotated('rateFound'), [true]);
  });

  test('makes no HTTP call for orders already in the reporting currency', async () => {
    let calls = 0;
    const handler = createHandler(async () => (calls++, 2), recordingTrace().trace);
    const { result } = await quietly(() => handler(snsEvent(order('EUR', 75))));
    assert.equal(calls, 0);
    assert.equal(result[0].reportingTotal, 75);
  });

  test('records an unknown currency on the trace instead of failing', async () => {
    const { trace, annotated } = recordingTrace();
    const handler = createHandler(async () => null, trace);
    const { result } = await quietly(() => handler(snsEvent(order('XXX'))));
    assert.equal(result[0].reportingTotal, null);
    assert.deepEqual(annotated('rateFound'), [false]);
  });
});
