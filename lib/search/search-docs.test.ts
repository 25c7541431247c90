import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadCatalog } from '../content/load';
import { fixturePaths } from '../content/test-helpers';
import { EXCERPT_CHARS, buildFacetDocs, buildSearchDocs, headingsOf, plainText } from './search-docs';

const catalog = loadCatalog(fixturePaths, { requireDiagrams: false });

describe('buildSearchDocs', () => {
  const docs = buildSearchDocs(catalog);
  const beta = docs.find((d) => d.slug === 'the-beta')!;
  test('one document per pattern, in A–Z order', () => {
    assert.deepEqual(docs.map((d) => d.slug), ['alpha-pattern', 'the-beta']);
  });
  test('component names, ids and registry aliases are searchable', () => {
    assert.ok(beta.components.includes('DynamoDB'));
    for (const alias of ['dynamodb', 'ddb', 'dynamo', 'apigw']) assert.ok(beta.aliases.includes(alias), alias);
  });
  test('Well-Architected pillar, question and practice titles carry their ids', () => {
    assert.ok(beta.wellArchitected.includes('Reliability'));
    assert.ok(beta.wellArchitected.some((t) => t.startsWith('REL 1.1 ')));
    assert.ok(beta.wellArchitected.some((t) => t.startsWith('SEC 1 ')));
  });
  test('creators are searchable', () => assert.deepEqual(beta.creators, ['Ben Example']));
  test('the excerpt is plain prose without diagrams and is bounded', () => {
    for (const d of docs) {
      assert.ok(d.excerpt.length <= EXCERPT_CHARS);
      assert.doesNotMatch(d.excerpt, /flowchart|accTitle|```|<Architecture/);
    }
  });
});

describe('text helpers', () => {
  test('plainText drops code, tags and markup but keeps link text', () => {
    assert.equal(plainText('## Head\nSee **[the stack](./x.ts)** `now`.\n```ts\nconst a = 1;\n```\n<Diagram hash="1" />'), 'See the stack now.');
  });
  test('headingsOf reads ## and ### headings outside code', () => {
    assert.deepEqual(headingsOf('## How it works\ntext\n```md\n## not a heading\n```\n### Try `it`'), ['How it works', 'Try it']);
  });
});

describe('buildFacetDocs', () => {
  test('facet values are URL ids: components, pillars, lens anchors, language, level', () => {
    const beta = buildFacetDocs(catalog).find((d) => d.slug === 'the-beta')!;
    assert.deepEqual(beta.component, ['http-api', 'lambda-function', 'dynamodb']);
    assert.deepEqual([...beta.pillar].sort(), ['reliability', 'security']);
    assert.deepEqual([...beta.question].sort(), ['rel-1', 'sec-1']);
    assert.deepEqual(beta.practice, ['rel-1-1']);
    assert.deepEqual(beta.level, ['intermediate']);
  });
  test('carry the card thumbnail: the first diagram in each theme', () => {
    const beta = buildFacetDocs(catalog).find((d) => d.slug === 'the-beta')!;
    const hash = catalog.patterns.find((p) => p.slug === 'the-beta')!.diagrams[0]!.hash;
    assert.deepEqual(beta.thumbnail, { light: `/diagrams/${hash}-light.svg`, dark: `/diagrams/${hash}-dark.svg` });
  });
});
