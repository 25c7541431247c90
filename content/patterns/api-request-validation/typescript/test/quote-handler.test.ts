import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MAX_NIGHTS, businessRuleProblems, calendarDay, createHandler, looksLikeQuoteRequest } from '../lambda/quote-handler';

const TODAY = new Date('2027-02-15T12:00:00Z');
const handler = createHandler(() => TODAY);
const GOOD = { guestEmail: 'ada@example.com', roomType: 'double', checkIn: '2027-03-01', checkOut: '2027-03-04', guests: 2 };

function post(body: unknown): APIGatewayProxyEvent {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { httpMethod: 'POST', resource: '/quotes', body: text, queryStringParameters: null } as unknown as APIGatewayProxyEvent;
}

function getRates(query: Record<string, string>): APIGatewayProxyEvent {
  return { httpMethod: 'GET', resource: '/rates', body: null, queryStringParameters: query } as unknown as APIGatewayProxyEvent;
}

async function call(event: APIGatewayProxyEvent) {
  const original = console.warn;
  const logged: string[] = [];
  console.warn = (line: string) => logged.push(line);
  try {
    const response = await handler(event);
    return { status: response.statusCode, body: JSON.parse(response.body), logged };
  } finally {
    console.warn = original;
  }
}

describe('POST /quotes', () => {
  test('prices a valid stay by the night', async () => {
    const { status, body } = await call(post(GOOD));
    assert.equal(status, 200);
    assert.deepEqual(body, {
      roomType: 'double',
      checkIn: '2027-03-01',
      checkOut: '2027-03-04',
      nights: 3,
      guests: 2,
      nightlyRate: 130,
      total: 390,
      currency: 'USD',
    });
  });

  test('refuses with 422 a date the model pattern lets through but the calendar does not have', async () => {
    assert.equal(calendarDay('2027-02-30'), undefined);
    assert.equal(calendarDay('2028-02-29'), Date.UTC(2028, 1, 29) / 86_400_000);
    const { status, body } = await call(post({ ...GOOD, checkIn: '2027-02-30' }));
    assert.equal(status, 422);
    assert.deepEqual(body.problems, ['checkIn 2027-02-30 is not a calendar date.']);
  });

  test('refuses with 422 a checkOut that is not after checkIn', async () => {
    for (const checkOut of ['2027-03-01', '2027-02-27']) {
      const { status, body } = await call(post({ ...GOOD, checkOut }));
      assert.equal(status, 422);
      assert.deepEqual(body.problems, ['checkOut must be at least one day after checkIn.']);
    }
  });

  test('refuses with 422 a stay longer than 14 nights', async () => {
    assert.equal((await call(post({ ...GOOD, checkOut: '2027-03-15' }))).status, 200);
    const { status, body } = await call(post({ ...GOOD, checkOut: '2027-03-16' }));
    assert.equal(status, 422);
    assert.deepEqual(body.problems, [`A stay may last at most ${MAX_NIGHTS} nights; this one lasts 15.`]);
  });

  test('refuses with 422 a checkIn before today', async () => {
    assert.equal((await call(post({ ...GOOD, checkIn: '2027-02-15', checkOut: '2027-02-16' }))).status, 200);
    const { status, body } = await call(post({ ...GOOD, checkIn: '2027-02-14', checkOut: '2027-02-16' }));
    assert.equal(status, 422);
    assert.deepEqual(body.problems, ['checkIn is in the past.']);
  });

  test('refuses with 422 more guests than the room sleeps', async () => {
    const { status, body } = await call(post({ ...GOOD, roomType: 'single', guests: 2 }));
    assert.equal(status, 422);
    assert.deepEqual(body.problems, ['A single room sleeps at most 1 guest.']);
  });

  test('reports every broken rule at once and logs them without the guest address', async () => {
    const { status, body, logged } = await call(post({ ...GOOD, roomType: 'double', guests: 3, checkIn: '2027-01-01', checkOut: '2027-01-01' }));
    assert.equal(status, 422);
    assert.equal(body.problems.length, 3);
    assert.equal(logged.length, 1);
    assert.doesNotMatch(logged[0], /ada@example\.com/);
  });

  test('turns away with 400 a body that reached it without the gateway check', async () => {
    for (const body of ['{"guestEmail":', '[]', JSON.stringify({ ...GOOD, guests: '2' }), JSON.stringify({ ...GOOD, roomType: 'toString' })]) {
      const { status } = await call(post(body));
      assert.equal(status, 400, body);
    }
    assert.equal(looksLikeQuoteRequest(GOOD), true);
    assert.equal(looksLikeQuoteRequest({ ...GOOD, notes: 7 }), false);
  });
});

describe('GET /rates', () => {
  test('prices a room for a number of nights', async () => {
    const { status, body } = await call(getRates({ roomType: 'suite', nights: '2' }));
    assert.equal(status, 200);
    assert.deepEqual(body, { roomType: 'suite', nights: 2, nightlyRate: 240, total: 480, currency: 'USD' });
  });

  test('checks the types and ranges API Gateway does not check on query strings', async () => {
    for (const query of [
      { roomType: 'penthouse', nights: '2' },
      { roomType: 'suite', nights: 'two' },
      { roomType: 'suite', nights: '0' },
      { roomType: 'suite', nights: '15' },
      { roomType: 'suite', nights: '1.5' },
    ]) {
      const { status, body } = await call(getRates(query));
      assert.equal(status, 400, JSON.stringify(query));
      assert.equal(body.problems.length, 1);
    }
  });
});

test('answers 404 for a route it does not serve', async () => {
  const { status } = await call({ httpMethod: 'DELETE', resource: '/quotes' } as unknown as APIGatewayProxyEvent);
  assert.equal(status, 404);
});

test('judges checkIn against the date it is given, not the machine clock', () => {
  const request = { ...GOOD, roomType: 'double' as const };
  assert.deepEqual(businessRuleProblems(request, TODAY), []);
  assert.deepEqual(businessRuleProblems(request, new Date('2027-03-02T00:00:00Z')), ['checkIn is in the past.']);
});
