import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import shippedRateCard from './rate-card.json';

/** What one destination costs: a fixed part and a price for every started kilogram. */
export type Tariff = { zone: string; baseCents: number; perKgCents: number };

/** The rate card as the handler uses it: one lookup per request, no parsing, no validation. */
export type RateCard = { currency: string; maxWeightKg: number; tariffs: ReadonlyMap<string, Tariff> };

/** How this execution environment came to be; Lambda sets AWS_LAMBDA_INITIALIZATION_TYPE. */
export type EnvironmentInfo = { initType: string; initialisedAt: string };

export type Quote = {
  destination: string;
  zone: string;
  weightKg: number;
  billableKg: number;
  price: { amountCents: number; currency: string };
};

const COUNTRY = /^[A-Z]{2}$/;
// Plain decimals only: no exponents, hex or signs, so every runtime reads the same number.
const WEIGHT = /^[0-9]{1,3}(\.[0-9]{1,3})?$/;

const isCents = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/**
 * Turns the raw rate card into lookup tables, refusing anything malformed. It runs once per
 * execution environment, so a broken card fails initialisation instead of pricing a parcel wrongly.
 */
export function compileRateCard(raw: unknown): RateCard {
  const fail = (problem: string): never => {
    throw new Error(`rate card: ${problem}`);
  };
  const card = (raw ?? {}) as { currency?: unknown; maxWeightKg?: unknown; zones?: unknown };
  if (typeof card.currency !== 'string' || !/^[A-Z]{3}$/.test(card.currency)) fail('currency must be a three-letter ISO code');
  if (typeof card.maxWeightKg !== 'number' || !(card.maxWeightKg > 0)) fail('maxWeightKg must be a positive number');
  if (typeof card.zones !== 'object' || card.zones === null) fail('zones must be an object');
  const tariffs = new Map<string, Tariff>();
  for (const [zone, value] of Object.entries(card.zones as Record<string, unknown>)) {
    const { baseCents, perKgCents, countries } = (value ?? {}) as { baseCents?: unknown; perKgCents?: unknown; countries?: unknown };
    if (!isCents(baseCents) || !isCents(perKgCents)) fail(`zone ${zone} needs whole, non-negative baseCents and perKgCents`);
    if (!Array.isArray(countries) || countries.length === 0) fail(`zone ${zone} lists no countries`);
    for (const country of countries as unknown[]) {
      if (typeof country !== 'string' || !COUNTRY.test(country)) fail(`zone ${zone} lists ${String(country)}, not a two-letter country code`);
      const known = tariffs.get(country as string);
      if (known) fail(`${String(country)} is in both ${known.zone} and ${zone}`);
      tariffs.set(country as string, { zone, baseCents: baseCents as number, perKgCents: perKgCents as number });
    }
  }
  return { currency: card.currency as string, maxWeightKg: card.maxWeightKg as number, tariffs };
}

/** Prices a parcel, or says in one sentence why it cannot. */
export function priceParcel(card: RateCard, to: string | undefined, weight: string | undefined): Quote | { problem: string } {
  const destination = (to ?? '').trim().toUpperCase();
  if (!COUNTRY.test(destination)) return { problem: 'Send the destination as a two-letter country code, for example to=FR.' };
  const tariff = card.tariffs.get(destination);
  if (!tariff) return { problem: `We do not ship to ${destination}.` };
  const raw = (weight ?? '').trim();
  const weightKg = WEIGHT.test(raw) ? Number(raw) : Number.NaN;
  if (!(weightKg > 0) || weightKg > card.maxWeightKg) {
    return { problem: `Send weightKg as a number above 0 and up to ${card.maxWeightKg}, for example weightKg=2.5.` };
  }
  // Every started kilogram is charged, as carriers do.
  const billableKg = Math.ceil(weightKg);
  return {
    destination,
    zone: tariff.zone,
    weightKg,
    billableKg,
    price: { amountCents: tariff.baseCents + tariff.perKgCents * billableKg, currency: card.currency },
  };
}

export function describeEnvironment(env: Record<string, string | undefined>, now: Date): EnvironmentInfo {
  return { initType: env.AWS_LAMBDA_INITIALIZATION_TYPE ?? 'unknown', initialisedAt: now.toISOString() };
}

export function createHandler(card: RateCard, environment: EnvironmentInfo) {
  // Lives as long as the execution environment, so it shows how many requests one warm environment served.
  let served = 0;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    served += 1;
    const headers = { 'content-type': 'application/json', 'x-init-type': environment.initType };
    const servedBy = { ...environment, requestNumber: served };
    const result = priceParcel(card, event.queryStringParameters?.to, event.queryStringParameters?.weightKg);
    if ('problem' in result) {
      return { statusCode: 400, headers, body: JSON.stringify({ message: result.problem, servedBy }) };
    }
    return { statusCode: 200, headers, body: JSON.stringify({ ...result, servedBy }) };
  };
}

// Everything below runs once per execution environment, during initialisation. With provisioned
// concurrency Lambda does it before any request arrives: loading this bundle, compiling the rate
// card and reading the environment are already done when the first customer asks for a quote.
const rateCard = compileRateCard(shippedRateCard);
export const handler = createHandler(rateCard, describeEnvironment(process.env, new Date()));
