import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AggregateContentError, loadCatalog, siteLinkErrors } from './load';
import { parseComponentRegistry, parseLens } from './registries';
import { fixturePaths, fixturesDir } from './test-helpers';

describe('loadCatalog', () => {
  test('reads every pattern folder, with its CDK file list', () => {
    const catalog = loadCatalog(fixturePaths, { requireDiagrams: false });
    assert.deepEqual(catalog.patterns.map((p) => p.slug), ['alpha-pattern', 'the-beta']);
    assert.deepEqual(catalog.patterns[1]?.sourceFiles, ['bin/the-beta.ts', 'cdk.json', 'lib/the-beta-stack.ts', 'package.json', 'test/the-beta.test.ts', 'tsconfig.json']);
  });

  test('refuses to build when a diagram has not been rendered, and says how to fix it', () => {
    assert.throws(() => loadCatalog(fixturePaths), (error: Error) => {
      assert.ok(error instanceof AggregateContentError);
      assert.match(error.message, /content\/patterns\/alpha-pattern\/index\.mdx/);
      assert.match(error.message, /npm run diagrams/);
      assert.match(error.message, /apt-get install -y chromium/);
      return true;
    });
  });

  test('lists the problems of every broken page in one error', () => {
    const root = mkdtempSync(join(tmpdir(), 'catalog-'));
    try {
      cpSync(join(fixturesDir, 'content'), join(root, 'content'), { recursive: true });
      writeFileSync(join(root, 'content/patterns/alpha-pattern/index.mdx'), '---\ntitle: x\n---\n');
      writeFileSync(join(root, 'content/patterns/the-beta/index.mdx'), '---\nsummary: nope\n---\n');
      assert.throws(() => loadCatalog({ root, content: join(root, 'content'), diagrams: join(root, 'd') }), (error: Error) => {
        assert.ok(error instanceof AggregateContentError);
        assert.equal(error.errors.length, 2);
        assert.match(error.message, /^2 content files are invalid/);
        return true;
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('registries', () => {
  test('reject a component whose group does not exist', () => {
    const data = { groups: [{ id: 'api', name: 'API' }], components: [{ id: 'x', name: 'X', group: 'nope', icon: 'resource/Client', service: 'S', aliases: [], cloudFormationTypes: [], iamActions: [], onOriginalSite: false }] };
    assert.throws(() => parseComponentRegistry('c.json', data), /components\[0\]\.group: one of the group ids \(api\); got "nope"/);
  });

  test('reject a duplicated component id', () => {
    const c = { id: 'x', name: 'X', group: 'api', icon: 'resource/Client', service: 'S', aliases: [], cloudFormationTypes: [], iamActions: [], onOriginalSite: false };
    assert.throws(() => parseComponentRegistry('c.json', { groups: [{ id: 'api', name: 'API' }], components: [c, c] }), /"x" is used twice/);
  });

  test('reject practices numbered out of order', () => {
    const lens = {
      lens: 'L',
      pillars: [{ id: 'reliability', code: 'REL', name: 'R', summary: 's', questions: [{ id: 'REL 1', title: 't', question: 'q', practices: [{ id: 'REL 1.2', title: 't', summary: 's' }] }] }],
    };
    assert.throws(() => parseLens('wa.json', lens), /"REL 1\.1" \(practices are numbered in order\); got "REL 1\.2"/);
  });

  test('the real registries under content/ are valid', async () => {
    const { readFileSync } = await import('node:fs');
    const read = (f: string) => JSON.parse(readFileSync(join(process.cwd(), 'content', f), 'utf8'));
    const registry = parseComponentRegistry('content/components.json', read('components.json'));
    const lens = parseLens('content/well-architected.json', read('well-architected.json'));
    assert.ok(registry.components.some((c) => c.id === 'dynamodb'));
    assert.deepEqual(lens.pillars.flatMap((p) => p.questions.map((q) => q.id)), ['OPS 1', 'OPS 2', 'SEC 1', 'SEC 2', 'SEC 3', 'REL 1', 'REL 2', 'PER 1', 'COST 1']);
  });
});

describe('links between pages', () => {
  const catalog = loadCatalog(fixturePaths, { requireDiagrams: false });
  const withBody = (extra: string) => catalog.patterns.map((p, i) => (i === 0 ? { ...p, body: `${p.body}\n${extra}` } : p));
  test('links to built pages pass', () => {
    assert.deepEqual(siteLinkErrors(withBody('[b](/patterns/the-beta/) [s](/components/sqs/) [w](/well-architected/#rel-1)'), catalog.registry), []);
  });
  test('a link without the trailing slash, or to a page that does not exist, names the file and the fix', () => {
    const [error] = siteLinkErrors(withBody('[b](/patterns/the-beta) [x](/patterns/nope/)'), catalog.registry);
    assert.equal(error?.file, catalog.patterns[0]!.file);
    assert.deepEqual(error?.problems, [
      { field: 'body: link /patterns/the-beta', expected: 'the exported address with a trailing slash: /patterns/the-beta/' },
      { field: 'body: link /patterns/nope/', expected: 'a page this site builds (a pattern, component, lens or index page)' },
    ]);
  });
});
