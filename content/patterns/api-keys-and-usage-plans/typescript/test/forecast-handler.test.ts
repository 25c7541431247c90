import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MAX_HISTORY_DAYS, createHandler, forecastFor } from '../lambda/forecast-handler';

const NOW = new Date('2027-05-10T08:00:00Z');
const handler = createHandler(() => NOW);
const KEY_VALUE = 'k3yV4lu3ThatMustNeverBeLogged0123456789';

function get(resource: string, city: string, query: Record<string, string> | null = null): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    resource,
    pathParameters: { city },
    queryStringParameters: query,
    requestContext: { identity: { apiKeyId: 'abc123keyid', apiKey: KEY_VALUE } },
  } as unknown as APIGatewayProxyEvent;
}

async function call(event: APIGatewayProxyEvent) {
  const original = console.log;
  const logged: string[] = [];
  console.log = (line: string) => logged.push(line);
  try {
    const response = await handler(event);
    return { status: response.statusCode, text: response.body, body: JSON.parse(response.body), logged };
  } finally {
    console.log = original;
  }
}

describe('forecast handler', () => {
  test('returns the same forecast for the same city and day', async () => {
    const { status, body } = await call(get('/forecasts/{city}', 'Lisbon'));
    assert.equal(status, 200);
    assert.deepEqual(body, { city: 'lisbon', ...forecastFor('lisbon', NOW) });
    assert.equal(body.date, '2027-05-10');
    assert.ok(body.lowC < body.highC);
  });

  test('serves up to 30 days of history and refuses more', async () => {
    const { status, body } = await call(get('/forecasts/{city}/history', 'lisbon', { days: String(MAX_HISTORY_DAYS) }));
    assert.equal(status, 200);
    assert.equal(body.days.length, 30);
    assert.equal(body.days[0].date, '2027-05-09');
    assert.equal((await call(get('/forecasts/{city}/history', 'lisbon'))).body.days.length, 7);
    for (const days of ['31', '0', 'ten']) {
      assert.equal((await call(get('/forecasts/{city}/history', 'lisbon', { days }))).status, 400, days);
    }
  });

  test('refuses a malformed city', async () => {
    for (const city of ['x', 'new york', '../etc', 'a'.repeat(41)]) {
      assert.equal((await call(get('/forecasts/{city}', city))).status, 400, city);
    }
  });

  test('logs the caller key id and never the key value', async () => {
    const { logged, text } = await call(get('/forecasts/{city}', 'lisbon'));
    assert.equal(logged.length, 1);
    assert.equal(JSON.parse(logged[0]).apiKeyId, 'abc123keyid');
    assert.ok(!logged[0].includes(KEY_VALUE));
    assert.ok(!text.includes(KEY_VALUE));
  });

  test('answers 404 for a route it does not serve', async () => {
    assert.equal((await call(get('/forecasts/{city}/radar', 'lisbon'))).status, 404);
  });
});
