import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import { loadCatalog } from '../content/load';
import { fixturePaths } from '../content/test-helpers';
import { siteConfig } from '../site-config';
import { appBundle, type BundleInput } from './app-bundle';
import { catalogJson, downloadEntry } from './catalog';
import { CLI_PACKAGE } from './index';
import type { RootLockfile } from './lockfile';
import { deterministicZip } from './zip';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('deterministicZip', () => {
  const files = [
    { path: 'lib/stack.ts', data: enc('export {};\n') },
    { path: 'README.md', data: enc('# App\n') },
  ];
  test('the same files give the same bytes, in any order and any time zone', () => {
    const first = deterministicZip('app', files);
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      assert.deepEqual(deterministicZip('app', [...files].reverse()), first);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
  test('unzips to one folder, entries sorted', () => {
    const entries = unzipSync(deterministicZip('app', files));
    assert.deepEqual(Object.keys(entries), ['app/README.md', 'app/lib/stack.ts']);
    assert.equal(dec(entries['app/lib/stack.ts']), 'export {};\n');
  });
  test('rejects a path that climbs out, and duplicates', () => {
    assert.throws(() => deterministicZip('app', [{ path: '../x', data: enc('') }]), /"\.\.\/x": expected a relative path/);
    assert.throws(() => deterministicZip('app', [files[0]!, files[0]!]), /appears twice/);
  });
});

const readme = { title: 'Alpha', summary: 'One line.', pageUrl: 'https://example.com/patterns/alpha/', cdkCliVersion: '2.1148.1', stacks: ['AlphaStack'], leftovers: [{ stack: 'AlphaStack', path: 'Table', what: 'a DynamoDB table (retained)' }] };

describe('appBundle', () => {
  const manifest = { name: 'alpha', version: '1.0.0', dependencies: { 'aws-cdk-lib': '2.275.0' }, devDependencies: { pack: '0.1.0' } };
  const lock: RootLockfile = {
    packages: {
      'content/patterns/alpha/typescript': { ...manifest },
      'node_modules/aws-cdk-lib': { version: '2.275.0', integrity: 'sha512-x' },
      'node_modules/pack': { resolved: 'packages/pack', link: true },
      'packages/pack': { name: 'pack', version: '0.1.0' },
    },
  };
  const ts: BundleInput = {
    slug: 'alpha',
    language: 'typescript',
    files: [
      { path: 'package.json', data: enc(JSON.stringify(manifest)) },
      { path: 'bin/alpha.ts', data: enc('') },
    ],
    readme,
    lock,
    vendored: [{ from: 'packages/pack', manifest: { name: 'pack', version: '0.1.0', main: './dist/index.js', scripts: { prepare: 'x' } }, files: [{ path: 'dist/index.js', data: enc('') }] }],
  };
  test('a TypeScript app gets its lockfile, README, .gitignore and its vendored workspace package', () => {
    const files = new Map(appBundle(ts).map((f) => [f.path, dec(f.data)]));
    assert.deepEqual([...files.keys()].sort(), ['.gitignore', 'README.md', 'bin/alpha.ts', 'package-lock.json', 'package.json', 'vendor/pack/dist/index.js', 'vendor/pack/package.json']);
    assert.equal(JSON.parse(files.get('package.json')!).devDependencies.pack, 'file:vendor/pack');
    assert.equal(JSON.parse(files.get('vendor/pack/package.json')!).scripts, undefined);
    assert.equal(JSON.parse(files.get('package-lock.json')!).packages['node_modules/pack'].resolved, 'vendor/pack');
    assert.match(files.get('.gitignore')!, /^node_modules\/$/m);
    assert.match(files.get('README.md')!, /npm ci\nnpx cdk synth/);
    assert.match(files.get('README.md')!, /`AlphaStack\/Table`: a DynamoDB table/);
  });
  test('a Python app runs the pinned CDK CLI through npx and replaces the repository .gitignore', () => {
    const py = appBundle({ slug: 'alpha', language: 'python', files: [{ path: 'app.py', data: enc('') }, { path: '.gitignore', data: enc('old') }], readme });
    const files = new Map(py.map((f) => [f.path, dec(f.data)]));
    assert.deepEqual([...files.keys()].sort(), ['.gitignore', 'README.md', 'app.py']);
    assert.match(files.get('README.md')!, /pip install -r requirements-dev\.txt\nnpx aws-cdk@2\.1148\.1 synth\s+# .*\npytest/);
    assert.match(files.get('.gitignore')!, /^\.venv\/$/m);
  });
});

describe('catalogJson', () => {
  const catalog = loadCatalog(fixturePaths, { requireDiagrams: false });
  const json = catalogJson(catalog, (slug, language) => downloadEntry(slug, language, enc(`${slug}-${language}`)), () => '2.1148.1');
  test('one entry per pattern with its facets, page and a checksum per language', () => {
    assert.equal(json.version, 1);
    assert.deepEqual(json.patterns.map((p) => p.slug), catalog.patterns.map((p) => p.slug).sort());
    const alpha = json.patterns.find((p) => p.slug === 'alpha-pattern')!;
    assert.equal(alpha.page, 'patterns/alpha-pattern/');
    assert.deepEqual(alpha.languages, ['typescript']);
    const bytes = enc('alpha-pattern-typescript');
    assert.deepEqual(alpha.downloads.typescript, { path: 'downloads/alpha-pattern-typescript.zip', sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength });
    assert.ok(alpha.pillars.length > 0 && alpha.components.length > 0);
    assert.ok(json.components.every((c) => json.patterns.some((p) => p.components.includes(c.id))));
  });
  test('the CLI names the package and the site this repository publishes', () => {
    const cli = JSON.parse(readFileSync(new URL('../../packages/cli/package.json', import.meta.url), 'utf8')) as { name: string };
    assert.equal(CLI_PACKAGE, cli.name);
    // The CLI is plain JavaScript outside this program: read its default from the source.
    const source = readFileSync(new URL('../../packages/cli/src/site.js', import.meta.url), 'utf8');
    if (!process.env.SITE_URL) assert.match(source, new RegExp(`DEFAULT_SITE = '${siteConfig.url.replace(/[.]/g, '\\.')}'`));
  });
});
