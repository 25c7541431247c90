import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadCatalog } from './content/load';
import { fixturePaths } from './content/test-helpers';
import type { Pattern } from './content';
import { creatorIndex, creatorPath, creatorsByLetter, creatorSlug } from './creators';

const [alpha, beta] = loadCatalog(fixturePaths, { requireDiagrams: false }).patterns as [Pattern, Pattern];
const withCreators = (p: Pattern, creators: Pattern['creators']): Pattern => ({ ...p, creators });

describe('creatorIndex', () => {
  test('lists each creator once, A–Z, with their patterns A–Z', () => {
    const patterns = [
      withCreators(beta, [{ name: 'Zoe Writer', links: [] }, { name: 'ada example', links: [] }]),
      withCreators(alpha, [{ name: 'ada example', links: [{ label: 'Site', url: 'https://example.com/ada' }] }]),
    ];
    const index = creatorIndex(patterns);
    assert.deepEqual(index.map((c) => [c.slug, c.name, c.patterns.map((p) => p.slug)]), [
      ['ada-example', 'ada example', ['alpha-pattern', 'the-beta']],
      ['zoe-writer', 'Zoe Writer', ['the-beta']],
    ]);
  });

  test('keeps every distinct link a creator gives, each URL once', () => {
    const patterns = [
      withCreators(alpha, [{ name: 'Ben Example', links: [{ label: 'Blog', url: 'https://example.com/ben' }] }]),
      withCreators(beta, [{ name: 'Ben Example', links: [{ label: 'Blog', url: 'https://example.com/ben' }, { label: 'GitHub', url: 'https://github.com/ben' }] }]),
    ];
    assert.deepEqual(creatorIndex(patterns)[0]!.links.map((l) => l.label), ['Blog', 'GitHub']);
  });

  test('reads the fixture catalog', () => {
    assert.deepEqual(creatorIndex([alpha, beta]).map((c) => c.name), ['Ada Example', 'Ben Example']);
  });

  test('names the file and both spellings when two names would share a page', () => {
    const patterns = [withCreators(alpha, [{ name: 'Ada Example', links: [] }]), withCreators(beta, [{ name: 'ada example!', links: [] }])];
    assert.throws(() => creatorIndex(patterns), /the-beta\/index\.mdx: creators: "ada example!" and "Ada Example" would share the page \/creators\/ada-example\//);
  });
});

describe('creator addresses and letters', () => {
  test('slug names as headings are slugged, in ASCII', () => {
    assert.equal(creatorSlug('Zoë O’Brien'), 'zoe-obrien');
    assert.equal(creatorPath('Matt Coulter'), '/creators/matt-coulter/');
  });

  test('groups by initial, accents folded, other initials last under "#"', () => {
    const index = creatorIndex([withCreators(alpha, [{ name: 'Émile Zola', links: [] }, { name: 'anna', links: [] }, { name: '3am Dev', links: [] }, { name: 'Eve', links: [] }])]);
    assert.deepEqual(
      creatorsByLetter(index).map((g) => [g.letter, g.creators.map((c) => c.name)]),
      [['A', ['anna']], ['E', ['Émile Zola', 'Eve']], ['#', ['3am Dev']]],
    );
  });
});
