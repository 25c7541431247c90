import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ContentError } from './errors';
import { parsePattern, sortKeyOf } from './patterns';
import { fixtureRegistries, fixturesDir } from './test-helpers';

const { registry, lens } = fixtureRegistries();
const completeCdk = ['package.json', 'cdk.json', 'tsconfig.json', 'bin/broken.ts', 'lib/broken-stack.ts', 'test/broken.test.ts'];

function parseFixture(name: string, sourceFiles = completeCdk) {
  const raw = readFileSync(join(fixturesDir, 'malformed', `${name}.mdx`), 'utf8');
  return parsePattern({ slug: 'broken', file: `malformed/${name}.mdx`, raw, sourceFiles }, registry, lens);
}

function rejection(fn: () => unknown): ContentError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ContentError, `expected a ContentError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the content to be rejected');
}

// Each malformed fixture, the field the error must name, and what it must say was expected.
const malformed: [name: string, field: string, expected: RegExp][] = [
  ['missing-title', 'title', /missing; expected string/],
  ['unknown-key', 'tags', /unknown key/],
  ['unknown-component', 'components[1]', /"dynamo-db" is unknown \(did you mean "dynamodb"\?\)/],
  ['unknown-practice', 'wellArchitected[0].practice', /"REL 9\.9" does not exist/],
  ['heading-takes-section-id', 'body: heading "Source"', /anchor is not "source"/],
  ['unknown-question', 'wellArchitected[0].question', /"OPS 7" does not exist/],
  ['malformed-practice-id', 'wellArchitected[0].practice', /expected a practice id such as "REL 2\.1"/],
  ['two-sentence-summary', 'summary', /a single sentence/],
  ['bad-link-kind', 'links[0].kind', /expected one of "article"\|"video"\|"talk"\|"docs"/],
  ['bad-date', 'added', /YYYY-MM-DD/],
  ['no-diagram', 'body', /mermaid architecture diagram/],
  ['diagram-without-description', 'body: mermaid diagram 1', /accDescr/],
  ['broken-source-link', 'body: link ./typescript/lambda/missing.ts', /exists in this pattern's typescript\/ folder/],
  ['no-frontmatter', '(frontmatter)', /YAML block between --- lines/],
  ['invalid-yaml', '(frontmatter)', /valid YAML/],
  ['creator-link-not-a-url', 'creators[0].links[0].url', /absolute http\(s\) URL/],
  ['empty-components', 'components', /at least one component id/],
  ['languages-not-a-list', 'languages', /expected array/],
  ['anti-pattern-without-block', 'antiPattern', /a block \{ rule, before, after, insteadUse \}/],
  ['anti-pattern-sections-out-of-order', 'body: section "How to spot it"', /the sections in this order: What it looks like, Why it hurts/],
  ['anti-pattern-sections-out-of-order', 'body', /two ```mermaid diagrams, the first drawing the "before" stack.*found 1/],
  ['pattern-with-anti-pattern-block', 'antiPattern', /no antiPattern block unless kind is "anti-pattern"/],
];

describe('parsePattern rejects malformed pages, naming the file, field and expectation', () => {
  for (const [name, field, expected] of malformed) {
    test(`${name}: ${field}`, () => {
      const error = rejection(() => parseFixture(name));
      assert.equal(error.file, `malformed/${name}.mdx`);
      const problem = error.problems.find((p) => p.field === field);
      assert.ok(problem, `no problem reported for field "${field}"; got ${JSON.stringify(error.problems)}`);
      assert.match(problem.expected, expected);
      assert.match(error.message, new RegExp(`malformed/${name}\\.mdx`));
    });
  }

  test('a missing CDK file is reported against the typescript/ path', () => {
    const raw = readFileSync(join(fixturesDir, 'content/patterns/alpha-pattern/index.mdx'), 'utf8');
    const error = rejection(() =>
      parsePattern({ slug: 'alpha-pattern', file: 'x.mdx', raw, sourceFiles: ['package.json', 'cdk.json', 'lib/alpha-pattern-stack.ts'] }, registry, lens),
    );
    const fields = error.problems.map((p) => p.field);
    assert.ok(fields.includes('typescript/tsconfig.json'));
    assert.ok(fields.includes('typescript/bin/alpha-pattern.ts'));
    assert.ok(fields.includes('typescript/test/'));
  });

  test('languages and app folders must agree, and a Python app needs its files and a test', () => {
    const raw = readFileSync(join(fixturesDir, 'content/patterns/alpha-pattern/index.mdx'), 'utf8');
    const ts = ['package.json', 'cdk.json', 'tsconfig.json', 'bin/alpha-pattern.ts', 'lib/alpha-pattern-stack.ts', 'test/alpha-pattern.test.ts'];
    const undeclared = rejection(() => parsePattern({ slug: 'alpha-pattern', file: 'x.mdx', raw, sourceFiles: ts, pythonFiles: ['app.py'] }, registry, lens));
    assert.deepEqual(undeclared.problems.map((p) => [p.field, p.expected]), [['languages', 'to include python: the pattern has a python/ app']]);
    const declared = raw.replace('languages: [typescript]', 'languages: [typescript, python]');
    const incomplete = rejection(() => parsePattern({ slug: 'alpha-pattern', file: 'x.mdx', raw: declared, sourceFiles: ts, pythonFiles: ['app.py', 'cdk.json'] }, registry, lens));
    assert.deepEqual(incomplete.problems.map((p) => p.field), ['python/requirements.txt', 'python/requirements-dev.txt', 'python/tests/']);
    const complete = parsePattern({ slug: 'alpha-pattern', file: 'x.mdx', raw: declared, sourceFiles: ts, pythonFiles: ['app.py', 'cdk.json', 'requirements.txt', 'requirements-dev.txt', 'tests/test_stack.py'] }, registry, lens);
    assert.deepEqual(complete.pythonFiles, ['app.py', 'cdk.json', 'requirements-dev.txt', 'requirements.txt', 'tests/test_stack.py']);
  });

  test('a folder name that is not kebab-case is refused', () => {
    const error = rejection(() => parsePattern({ slug: 'Bad_Slug', file: 'y.mdx', raw: '', sourceFiles: [] }, registry, lens));
    assert.equal(error.problems[0]?.field, '(folder name)');
  });
});

describe('parsePattern on a valid page', () => {
  const raw = readFileSync(join(fixturesDir, 'content/patterns/alpha-pattern/index.mdx'), 'utf8');
  const files = ['package.json', 'cdk.json', 'tsconfig.json', 'bin/alpha-pattern.ts', 'lib/alpha-pattern-stack.ts', 'test/alpha-pattern.test.ts'];
  const pattern = parsePattern({ slug: 'alpha-pattern', file: 'alpha.mdx', raw, sourceFiles: files }, registry, lens);

  test('keeps the validated frontmatter with defaults filled in', () => {
    assert.equal(pattern.title, 'Alpha Pattern');
    assert.deepEqual(pattern.components, ['sqs', 'lambda-function']);
    assert.deepEqual(pattern.links, []);
    assert.equal(pattern.added, '2026-01-02');
  });

  test('swaps the mermaid fence for a diagram placeholder carrying its text alternative', () => {
    assert.equal(pattern.diagrams.length, 1);
    assert.equal(pattern.diagrams[0]?.description, 'A queue feeds a function.');
    assert.match(pattern.body, new RegExp(`<ArchitectureDiagram hash="${pattern.diagrams[0]?.hash}" />`));
    assert.doesNotMatch(pattern.body, /```mermaid/);
  });

  test('points links into typescript/ at the Source section', () => {
    assert.match(pattern.body, /\]\(#source-lib-alpha-pattern-stack-ts\)/);
  });

  test('files patterns by their name without a leading "The"', () => {
    assert.equal(sortKeyOf('The Big Fan'), 'big fan');
    assert.equal(sortKeyOf('Theatre Tickets'), 'theatre tickets');
    assert.equal(pattern.letter, 'A');
  });
});
