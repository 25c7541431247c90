import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadCatalog } from '../content/load';
import { fixturePaths } from '../content/test-helpers';
import { emptyFilters, facetCounts, facetOptions, filterDocs, hasActiveState, parseExploreState, serializeExploreState, toggleValue } from './facets';
import { buildFacetDocs } from './search-docs';

const catalog = loadCatalog(fixturePaths, { requireDiagrams: false });
const options = facetOptions(catalog);
const docs = buildFacetDocs(catalog);
const slugs = (ds: { slug: string }[]) => ds.map((d) => d.slug);

describe('facetOptions', () => {
  test('components are those some pattern uses; the lens is offered whole', () => {
    assert.deepEqual(options.component.map((o) => o.value).sort(), ['dynamodb', 'http-api', 'lambda-function', 'sqs']);
    const lensPractices = catalog.lens.pillars.flatMap((p) => p.questions.flatMap((q) => q.practices)).length;
    assert.equal(options.practice.length, lensPractices);
  });
});

describe('filterDocs', () => {
  const f = (patch: Partial<ReturnType<typeof emptyFilters>>) => ({ ...emptyFilters(), ...patch });
  test('no filter keeps everything', () => assert.deepEqual(slugs(filterDocs(docs, emptyFilters())), ['alpha-pattern', 'the-beta']));
  test('OR within a facet', () => {
    assert.deepEqual(slugs(filterDocs(docs, f({ component: ['sqs', 'dynamodb'] }))), ['alpha-pattern', 'the-beta']);
  });
  test('AND across facets', () => {
    assert.deepEqual(slugs(filterDocs(docs, f({ component: ['lambda-function'], pillar: ['security'] }))), ['the-beta']);
    assert.deepEqual(slugs(filterDocs(docs, f({ component: ['sqs'], pillar: ['security'] }))), []);
  });
  test('a query result set restricts the facets', () => {
    assert.deepEqual(slugs(filterDocs(docs, emptyFilters(), new Set(['the-beta']))), ['the-beta']);
  });
});

describe('facetCounts', () => {
  test('counts ignore the facet’s own selection but honour the others', () => {
    const filters = { ...emptyFilters(), component: ['sqs'] };
    const counts = facetCounts(docs, filters, options);
    assert.equal(counts.component.get('dynamodb'), 1, 'dynamodb would add the-beta under OR');
    assert.equal(counts.pillar.get('security'), 0, 'no sqs pattern maps to security');
    assert.equal(counts.pillar.get('reliability'), 1);
  });
});

describe('URL state', () => {
  test('round-trips in canonical order', () => {
    const { state, ignored } = parseExploreState('?pillar=reliability&component=sqs&q=queue&component=dynamodb', options);
    assert.deepEqual(ignored, []);
    const again = parseExploreState(serializeExploreState(state, options), options).state;
    assert.deepEqual(again, state);
    assert.equal(serializeExploreState(state, options), '?q=queue&component=dynamodb&component=sqs&pillar=reliability');
  });
  test('unknown keys and values are dropped with a reason, duplicates collapse', () => {
    const { state, ignored } = parseExploreState('?component=nope&component=sqs&component=sqs&colour=red', options);
    assert.deepEqual(state.filters.component, ['sqs']);
    assert.deepEqual(ignored.map((i) => `${i.key}=${i.value}`), ['component=nope', 'colour=red']);
  });
  test('over-long queries are cut and reported', () => {
    const { state, ignored } = parseExploreState(`?q=${'a'.repeat(10_000)}`, options);
    assert.equal(state.q.length, 100);
    assert.equal(ignored.length, 1);
  });
  test('empty state is inactive; toggling adds then removes', () => {
    const s0 = parseExploreState('', options).state;
    assert.equal(hasActiveState(s0), false);
    const s1 = toggleValue(s0, 'level', 'beginner');
    assert.equal(hasActiveState(s1), true);
    assert.deepEqual(toggleValue(s1, 'level', 'beginner').filters.level, []);
  });
});
