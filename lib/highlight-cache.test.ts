import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { highlight } from './highlight';
import { highlightCacheIn } from './highlight-cache';

const dir = mkdtempSync(join(tmpdir(), 'highlight-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cache = highlightCacheIn(dir);
const code = 'const answer: number = 42;\n';

test('a first call highlights and stores; a second reads the stored entry', async () => {
  assert.equal(cache.has(code, 'typescript'), false);
  assert.deepEqual(await cache.highlight(code, 'typescript'), await highlight(code, 'typescript'));
  assert.equal(cache.has(code, 'typescript'), true);
  const file = cache.fileFor(code, 'typescript');
  writeFileSync(file, JSON.stringify({ html: '<pre>from the cache</pre>', css: '' }));
  assert.equal((await cache.highlight(code, 'typescript')).html, '<pre>from the cache</pre>');
});

test('the same text in another grammar is another entry', () => {
  assert.notEqual(cache.fileFor(code, 'typescript'), cache.fileFor(code, 'javascript'));
  assert.notEqual(cache.fileFor(code, 'typescript'), cache.fileFor(`${code}\n`, 'typescript'));
});

test('a damaged entry is highlighted again and rewritten', async () => {
  const file = cache.fileFor('x = 1\n', 'python');
  await cache.highlight('x = 1\n', 'python');
  writeFileSync(file, '{"html": "<pre>half');
  assert.deepEqual(await cache.highlight('x = 1\n', 'python'), await highlight('x = 1\n', 'python'));
  assert.doesNotThrow(() => JSON.parse(readFileSync(file, 'utf8')));
});

test('pruning keeps the listed entries and a writer\'s unfinished file', async () => {
  await cache.highlight('kept\n', 'text');
  await cache.highlight('dropped\n', 'text');
  writeFileSync(join(dir, 'abc.json.123.tmp'), '');
  const keep = new Set([cache.fileFor('kept\n', 'text')]);
  const entries = readdirSync(dir).filter((f) => f.endsWith('.json')).length;
  assert.equal(cache.prune(keep), entries - 1);
  assert.deepEqual(readdirSync(dir).sort(), ['abc.json.123.tmp', cache.fileFor('kept\n', 'text').slice(dir.length + 1)].sort());
});
