import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadCatalog } from './content/load';
import { fixturePaths } from './content/test-helpers';
import type { Pattern } from './content';
import { atomFeed, feedEntries } from './feed';

const [alpha, beta] = loadCatalog(fixturePaths, { requireDiagrams: false }).patterns as [Pattern, Pattern];
const site = { url: 'https://example.com', name: 'Example Patterns', description: 'Fixture patterns for the feed.' };
// alpha was added 2026-01-02 and beta 2026-03-04; updating alpha later puts it first.
const updatedAlpha: Pattern = { ...alpha, updated: '2026-05-06' };

describe('feedEntries', () => {
  test('puts the newest first by the later of added and updated', () => {
    assert.deepEqual(feedEntries([alpha, beta]).map((e) => e.pattern.slug), ['the-beta', 'alpha-pattern']);
    assert.deepEqual(feedEntries([alpha, beta, updatedAlpha].slice(1)).map((e) => e.pattern.slug), ['alpha-pattern', 'the-beta']);
  });

  test('marks an updated pattern in its summary and dates, and leaves a new one plain', () => {
    const [first, second] = feedEntries([beta, updatedAlpha]);
    assert.deepEqual([first!.isUpdate, first!.published, first!.updated], [true, '2026-01-02', '2026-05-06']);
    assert.equal(first!.summary, `Updated 2026-05-06: ${alpha.summary}`);
    assert.deepEqual([second!.isUpdate, second!.summary], [false, beta.summary]);
  });

  test('ignores an updated date that is not after added', () => {
    const [entry] = feedEntries([{ ...alpha, updated: alpha.added }]);
    assert.equal(entry!.isUpdate, false);
  });
});

describe('atomFeed', () => {
  const xml = atomFeed([beta, updatedAlpha], site);
  const entries = [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]!);

  test('is an Atom document that links itself and dates itself by its newest entry', () => {
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\s*<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    assert.match(xml, /<link rel="self" href="https:\/\/example.com\/feed.xml"\/>/);
    assert.match(xml, /<updated>2026-05-06T00:00:00.000Z<\/updated>\s*<generator>/);
  });

  test('gives each entry its canonical URL as id, published and updated dates, and creators', () => {
    assert.equal(entries.length, 2);
    assert.match(entries[0]!, /<id>https:\/\/example.com\/patterns\/alpha-pattern\/<\/id>/);
    assert.match(entries[0]!, /<updated>2026-05-06T00:00:00.000Z<\/updated>/);
    assert.match(entries[0]!, /<published>2026-01-02T00:00:00.000Z<\/published>/);
    assert.match(entries[0]!, /Updated 2026-05-06: /);
    assert.match(entries[0]!, /<name>Ada Example<\/name>\s*<uri>https:\/\/example.com\/creators\/ada-example\/<\/uri>/);
    assert.match(entries[1]!, /<id>https:\/\/example.com\/patterns\/the-beta\/<\/id>/);
  });

  test('writes the same bytes for the same catalog', () => {
    assert.equal(atomFeed([beta, updatedAlpha], site), xml);
  });
});
