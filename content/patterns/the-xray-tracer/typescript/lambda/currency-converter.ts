import type { SNSEvent } from 'aws-lambda';
import { orderFromMessage, REPORTING_CURRENCY } from './order';
import { type Trace, traced, xray } from './tracing';

const RATE_TIMEOUT_MS = 3000;

/** Resolves to the rate, or null when the rates service does not know the currency. */
export type FetchRate = (from: string, to: string) => Promise<number | null>;

export type Conversion = { orderId: string; total: number; currency: string; rate: number | null; reportingTotal: number | null };

export function rateUrl(baseUrl: string, from: string, to: string): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/latest`);
  url.searchParams.set('base', from);
  url.searchParams.set('symbols', to);
  return url.toString();
}

export function convert(total: number, rate: number): number {
  return Math.round(total * rate * 100) / 100;
}

/** Frankfurter's public API of European Central Bank reference rates; no key needed. */
export function frankfurterRate(baseUrl: string, fetchImpl: typeof fetch = fetch): FetchRate {
  return async (from, to) => {
    const response = await fetchImpl(rateUrl(baseUrl, from, to), { signal: AbortSignal.timeout(RATE_TIMEOUT_MS) });
    // A 4xx means "no such currency": retrying cannot help, so it is not an error.
    if (response.status >= 400 && response.status < 500) return null;
    if (!response.ok) throw new Error(`rates service answered ${response.status}`);
    const body = (await response.json()) as { rates?: Record<string, unknown> };
    const rate = body.rates?.[to];
    if (typeof rate !== 'number' || !(rate > 0)) throw new Error(`rates service sent no usable ${from}->${to} rate`);
    return rate;
  };
}

export function createHandler(fetchRate: FetchRate, trace: Trace) {
  return async (event: SNSEvent): Promise<Conversion[]> => {
    const conversions: Conversion[] = [];
    for (const record of event.Records) {
      const order = orderFromMessage(record.Sns.Message);
      trace.annotate('orderId', order.orderId);
      trace.annotate('currency', order.currency);
      const rate =
        order.currency === REPORTING_CURRENCY
          ? 1
          : await trace.span('### fetch exchange rate', () => fetchRate(order.currency, REPORTING_CURRENCY));
      trace.annotate('rateFound', rate !== null);
      const conversion = {
        orderId: order.orderId,
        total: order.total,
        currency: order.currency,
        rate,
        reportingTotal: rate === null ? null : convert(order.total, rate),
      };
      console.info(JSON.stringify({ message: 'order converted', reportingCurrency: REPORTING_CURRENCY, ...conversion }));
      conversions.push(conversion);
    }
    return conversions;
  };
}

// fetch is traced by the tracer itself: the call shows up as a remote node on the trace map.
export const handler = traced(createHandler(frankfurterRate(process.env.RATES_API_URL ?? ''), xray));
