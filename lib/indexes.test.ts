import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadCatalog } from './content/load';
import { fixturePaths } from './content/test-helpers';
import type { Pattern } from './content';
import {
  azIndex,
  catalogCounts,
  componentGroups,
  featuredPattern,
  lensCoverage,
  newestPatterns,
  patternDate,
  patternMappings,
  patternsByComponent,
  resourceCounts,
  wellArchitectedIndex,
} from './indexes';

const catalog = loadCatalog(fixturePaths, { requireDiagrams: false });

describe('azIndex', () => {
  const groups = azIndex(catalog.patterns);
  test('has a heading for every letter, empty ones included', () => {
    assert.equal(groups.length, 26);
    assert.equal(groups.find((g) => g.letter === 'Z')?.patterns.length, 0);
  });
  test('files "The Beta" under B and "Alpha Pattern" under A', () => {
    assert.deepEqual(groups.find((g) => g.letter === 'A')?.patterns.map((p) => p.slug), ['alpha-pattern']);
    assert.deepEqual(groups.find((g) => g.letter === 'B')?.patterns.map((p) => p.slug), ['the-beta']);
    assert.equal(groups.find((g) => g.letter === 'T')?.patterns.length, 0);
  });
});

describe('component indexes', () => {
  test('list each pattern under every component it uses', () => {
    const map = patternsByComponent(catalog.patterns);
    assert.deepEqual(map.get('lambda-function')?.map((p) => p.slug), ['alpha-pattern', 'the-beta']);
    assert.deepEqual(map.get('dynamodb')?.map((p) => p.slug), ['the-beta']);
    assert.equal(map.get('http-api')?.length, 1);
  });
  test('count patterns per component within registry groups, zeros kept', () => {
    const groups = componentGroups(catalog);
    assert.deepEqual(groups.map((g) => g.id), ['api', 'compute', 'data']);
    const compute = groups.find((g) => g.id === 'compute')!;
    assert.deepEqual(compute.components.map((c) => [c.component.id, c.count]), [['lambda-function', 2], ['sqs', 1]]);
  });
  test('count patterns, used components and distinct creators', () => {
    assert.deepEqual(catalogCounts(catalog), { patterns: 2, components: 4, creators: 2 });
  });
});

describe('wellArchitectedIndex', () => {
  const index = wellArchitectedIndex(catalog);
  test('puts each mapped pattern under its practice, with the reason', () => {
    const rel = index.find((p) => p.pillar.id === 'reliability')!;
    const throttling = rel.questions[0]!.practices.find((p) => p.practice.id === 'REL 1.1')!;
    assert.deepEqual(throttling.patterns.map((m) => m.pattern.slug), ['alpha-pattern', 'the-beta']);
    assert.equal(throttling.patterns[0]?.reason, 'The fixture throttles its consumer on purpose.');
  });
  test('shows practices nobody maps as empty', () => {
    const rel = index.find((p) => p.pillar.id === 'reliability')!;
    assert.deepEqual(rel.questions[0]!.practices.find((p) => p.practice.id === 'REL 1.2')?.patterns, []);
  });
  test('keeps question-level mappings apart from practices', () => {
    const sec = index.find((p) => p.pillar.id === 'security')!;
    assert.deepEqual(sec.questions[0]!.questionLevel.map((m) => m.pattern.slug), ['the-beta']);
    assert.equal(sec.patternCount, 1);
  });
  test('resolves one pattern’s mappings in lens order', () => {
    const beta = catalog.patterns.find((p) => p.slug === 'the-beta')!;
    assert.deepEqual(patternMappings(catalog, beta).map((m) => m.practice?.id ?? m.question.id), ['REL 1.1', 'SEC 1']);
  });
});

describe('resourceCounts', () => {
  test('counts resources by type across stacks, most frequent first, without CDK metadata', () => {
    const t = (types: string[]) => ({ Resources: Object.fromEntries(types.map((Type, i) => [`R${i}`, { Type }])) });
    assert.deepEqual(resourceCounts([t(['AWS::SQS::Queue', 'AWS::Lambda::Function', 'AWS::CDK::Metadata']), t(['AWS::SQS::Queue'])]), [
      { type: 'AWS::SQS::Queue', count: 2 },
      { type: 'AWS::Lambda::Function', count: 1 },
    ]);
  });
});

describe('home page indexes', () => {
  const alpha = catalog.patterns.find((p) => p.slug === 'alpha-pattern')!;
  const beta = catalog.patterns.find((p) => p.slug === 'the-beta')!;
  const copy = (p: Pattern, changes: Partial<Pattern>): Pattern => ({ ...p, ...changes });

  test('a pattern is dated by its update, else by when it was added', () => {
    assert.equal(patternDate(alpha), '2026-01-02');
    assert.equal(patternDate(copy(alpha, { updated: '2026-05-06' })), '2026-05-06');
  });
  test('newest patterns come first, A–Z within a day, limited and with exclusions', () => {
    assert.deepEqual(newestPatterns(catalog.patterns, 5).map((p) => p.slug), ['the-beta', 'alpha-pattern']);
    assert.deepEqual(newestPatterns([beta, copy(alpha, { updated: '2026-09-09' })], 5).map((p) => p.slug), ['alpha-pattern', 'the-beta']);
    const sameDay = [copy(beta, { added: '2026-01-02' }), alpha];
    assert.deepEqual(newestPatterns(sameDay, 5).map((p) => p.slug), ['alpha-pattern', 'the-beta']);
    assert.deepEqual(newestPatterns(catalog.patterns, 1).map((p) => p.slug), ['the-beta']);
    assert.deepEqual(newestPatterns(catalog.patterns, 5, ['the-beta']).map((p) => p.slug), ['alpha-pattern']);
  });
  test('the featured pattern maps to the most of the lens; ties go to the newer, then A–Z', () => {
    assert.equal(featuredPattern(catalog.patterns)?.slug, 'the-beta');
    const tied = copy(alpha, { wellArchitected: beta.wellArchitected });
    assert.equal(featuredPattern([tied, beta])?.slug, 'the-beta');
    assert.equal(featuredPattern([copy(tied, { added: beta.added }), beta])?.slug, 'alpha-pattern');
  });
  test('the featured pattern is never an anti-pattern nor one without a diagram', () => {
    assert.equal(featuredPattern([copy(beta, { kind: 'anti-pattern' }), alpha])?.slug, 'alpha-pattern');
    assert.equal(featuredPattern([copy(beta, { diagrams: [] }), alpha])?.slug, 'alpha-pattern');
    assert.equal(featuredPattern([]), undefined);
  });
  test('lens coverage counts each pillar’s practices that at least one pattern maps to', () => {
    const rows = lensCoverage(catalog).map((r) => [r.pillar.id, r.practicesCovered, r.practices, r.patternCount]);
    // SEC 1 is mapped only at question level: the pillar has a pattern but no practice covered.
    assert.deepEqual(rows, [['reliability', 1, 2, 2], ['security', 0, 1, 1]]);
  });
});
