import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIRECT_SEARCH_MAX_DOCS, createSearcher, normalizeQuery } from './engine';
import { highlight } from './highlight';
import type { SearchDoc } from './search-docs';

const doc = (slug: string, title: string, extra: Partial<SearchDoc> = {}): SearchDoc => ({
  slug, title, summary: '', components: [], aliases: [], wellArchitected: [], creators: [], headings: [], excerpt: '', ...extra,
});
const docs = [
  doc('the-dynamo-streamer', 'The Dynamo Streamer', { components: ['DynamoDB'], aliases: ['dynamodb', 'ddb'] }),
  doc('the-scalable-webhook', 'The Scalable Webhook', { components: ['SQS'], excerpt: 'A queue smooths a webhook burst into dynamo writes.' }),
  doc('the-state-machine', 'The State Machine', { components: ['Step Functions'], aliases: ['sfn', 'step functions'] }),
];

describe('createSearcher', () => {
  const search = createSearcher(docs);
  test('tolerates typos', () => assert.equal(search('dynamo streemer')[0]?.doc.slug, 'the-dynamo-streamer'));
  test('a title match beats a body match', () => {
    assert.deepEqual(search('webhook').map((h) => h.doc.slug)[0], 'the-scalable-webhook');
    assert.equal(search('dynamo')[0]?.doc.slug, 'the-dynamo-streamer');
  });
  test('aliases find components', () => assert.equal(search('sfn')[0]?.doc.slug, 'the-state-machine'));
  test('says which field matched, heaviest first', () => {
    const hit = search('webhook')[0]!;
    assert.equal(hit.matches[0]?.field, 'title');
    assert.ok(hit.matches.some((m) => m.label === 'text'));
  });
  test('queries shorter than two characters return nothing; regex characters are plain text', () => {
    assert.deepEqual(search('d'), []);
    assert.doesNotThrow(() => search('.*+?^${}()|[]\\'));
  });
  test('large catalogs go through the word index and still rank the right pattern first', () => {
    const many = Array.from({ length: DIRECT_SEARCH_MAX_DOCS + 50 }, (_, i) => doc(`filler-${i}`, `Filler pattern ${i}`, { excerpt: 'queue lambda table' }));
    const big = createSearcher([...many, ...docs]);
    assert.equal(big('dynamo streemer')[0]?.doc.slug, 'the-dynamo-streamer');
    assert.equal(big('sfn')[0]?.doc.slug, 'the-state-machine');
  });
});

describe('normalizeQuery and highlight', () => {
  test('queries are trimmed, collapsed and bounded', () => assert.equal(normalizeQuery(`  a   b ${'c'.repeat(200)}`).length, 100));
  test('highlight marks inclusive ranges and keeps the rest', () => {
    assert.deepEqual(highlight('webhook', [[0, 2]]), [{ text: 'web', mark: true }, { text: 'hook', mark: false }]);
    assert.deepEqual(highlight('ab', []), [{ text: 'ab', mark: false }]);
  });
});
