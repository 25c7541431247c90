import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { handler as fatLambda, route, ROUTES } from '../lambda/fat-lambda';
import { handler as add } from '../lambda/add';
import { handler as multiply } from '../lambda/multiply';
import { handler as subtract } from '../lambda/subtract';
import { proxyEvent } from './events';

describe('single-purpose handlers', () => {
  test('each one applies only its own operation, whatever the path says', async () => {
    // The same event to all three: a single-purpose function never looks at the route.
    const event = proxyEvent('GET', '/add', '/add', { a: '6', b: '3' });
    const results = await Promise.all([add(event), subtract(event), multiply(event)]);
    assert.deepEqual(
      results.map((r) => JSON.parse(r.body).result),
      [9, 3, 18],
    );
    for (const r of results) assert.equal(r.headers?.['content-type'], 'application/json');
  });

  test('pass validation failures through as 400', async () => {
    const response = await add(proxyEvent('GET', '/add', '/add', { a: '6' }));
    assert.equal(response.statusCode, 400);
  });
});

describe('fat Lambda router', () => {
  test('maps each GET route to its operation and nothing else', () => {
    assert.deepEqual([...ROUTES.keys()], ['GET /add', 'GET /subtract', 'GET /multiply']);
    assert.equal(route('GET', '/multiply'), 'multiply');
    assert.equal(route('get', '/add'), 'add');
    assert.equal(route('POST', '/add'), undefined);
    assert.equal(route('GET', '/divide'), undefined);
    assert.equal(route('GET', '/add/'), undefined);
  });

  test('dispatches on the matched resource, so the stage prefix does not matter', async () => {
    const response = await fatLambda(proxyEvent('GET', '/subtract', '/subtract', { a: '1', b: '5' }));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(response.body), { operation: 'subtract', a: 1, b: 5, result: -4 });
  });

  test('answers 404 for a route it does not own', async () => {
    const response = await fatLambda(proxyEvent('DELETE', '/add', '/add', { a: '1', b: '2' }));
    assert.equal(response.statusCode, 404);
    assert.match(JSON.parse(response.body).message, /DELETE \/add/);
  });
});
