import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const SUMMARIES = ['sunny', 'cloudy', 'showers', 'windy', 'fog'] as const;
const CITY = /^[a-z][a-z-]{1,39}$/;

/** Longest history one call may ask for; the history route stands in for an expensive query. */
export const MAX_HISTORY_DAYS = 30;

export type DayForecast = { date: string; highC: number; lowC: number; summary: (typeof SUMMARIES)[number] };

/** A repeatable made-up forecast, so the demo needs no data store and the tests need no mocks. */
export function forecastFor(city: string, date: Date): DayForecast {
  const day = date.toISOString().slice(0, 10);
  let seed = 0;
  for (const ch of `${city}:${day}`) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
  const highC = 5 + (seed % 25);
  return { date: day, highC, lowC: highC - 3 - (seed % 7), summary: SUMMARIES[seed % SUMMARIES.length] };
}

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function createHandler(now: () => Date) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    // API Gateway has already matched the x-api-key header to a key in a usage plan. The key's id
    // identifies the caller in logs; the key value itself is a credential and is never logged or returned.
    const apiKeyId = event.requestContext?.identity?.apiKeyId ?? 'unknown';
    const route = `${event.httpMethod} ${event.resource}`;
    const city = (event.pathParameters?.city ?? '').toLowerCase();
    console.log(JSON.stringify({ level: 'INFO', message: 'request', route, apiKeyId }));
    if (!CITY.test(city)) return json(400, { message: 'city must be 2 to 40 letters or hyphens.' });

    const today = now();
    if (route === 'GET /forecasts/{city}') return json(200, { city, ...forecastFor(city, today) });
    if (route === 'GET /forecasts/{city}/history') {
      const daysText = event.queryStringParameters?.days ?? '7';
      const days = /^[0-9]{1,2}$/.test(daysText) ? Number(daysText) : 0;
      if (days < 1 || days > MAX_HISTORY_DAYS) return json(400, { message: `days must be a whole number from 1 to ${MAX_HISTORY_DAYS}.` });
      const history = Array.from({ length: days }, (_, i) => forecastFor(city, new Date(today.getTime() - (i + 1) * 86_400_000)));
      return json(200, { city, days: history });
    }
    return json(404, { message: `No route for ${route}.` });
  };
}

export const handler = createHandler(() => new Date());
