import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import vm from 'node:vm';

// The function's own file, run as CloudFront runs it: a script whose global `handler` gets the event.
type Request = { uri: string; rawQueryString: () => string | undefined };
type Redirect = { statusCode: number; headers: { location: { value: string } } };
const source = readFileSync(path.join(import.meta.dirname, '..', 'functions', 'rewrite-request.js'), 'utf8');
const handler = vm.runInNewContext(`${source}\nhandler;`) as (event: { request: Request }) => Request | Redirect;

const run = (uri: string, query?: string) => handler({ request: { uri, rawQueryString: () => query } });

test('serves a folder address from its index.html', () => {
  assert.equal((run('/') as Request).uri, '/index.html');
  assert.equal((run('/patterns/polly/') as Request).uri, '/patterns/polly/index.html');
});

test('leaves files alone, hashed assets and data included', () => {
  for (const uri of ['/404.html', '/search-index.json', '/_islands/page-1-ABC.js', '/icon.svg', '/patterns/polly/index.html']) {
    assert.equal((run(uri) as Request).uri, uri);
  }
});

test('redirects an address without its trailing slash to the one with it, keeping the query string', () => {
  // Through JSON: the object comes from the function's own realm, with its own Object prototype.
  assert.deepEqual(JSON.parse(JSON.stringify(run('/patterns/polly'))), {
    statusCode: 301,
    statusDescription: 'Moved Permanently',
    headers: { location: { value: '/patterns/polly/' } },
  });
  assert.equal((run('/patterns', 'q=lambda%20url&kind=pattern') as Redirect).headers.location.value, '/patterns/?q=lambda%20url&kind=pattern');
  assert.equal((run('/about', '') as Redirect).headers.location.value, '/about/');
});
