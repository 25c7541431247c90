import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadCatalog } from './content/load';
import { fixturePaths } from './content/test-helpers';
import { azIndex, catalogCounts, componentGroups, patternMappings, patternsByComponent, resourceCounts, wellArchitectedIndex } from './indexes';

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
