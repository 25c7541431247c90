import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type SiteBuild, buildSite, injectAssets } from '../scripts/build-site';

describe('injectAssets', () => {
  test('replaces the marker with absolute links to the hashed files', () => {
    const html = injectAssets('<head><!-- assets --></head>', { script: 'assets/main-AB12CD34.js', style: 'assets/main-EF56GH78.css' });
    assert.equal(
      html,
      '<head><link rel="stylesheet" href="/assets/main-EF56GH78.css">\n    <script type="module" src="/assets/main-AB12CD34.js"></script></head>',
    );
  });

  test('refuses a template without the marker rather than shipping a page with no script', () => {
    assert.throws(() => injectAssets('<head></head>', { script: 'assets/main.js' }), /marker/);
  });
});

describe('buildSite', () => {
  let outDir: string;
  let site: SiteBuild;
  let js: string;

  before(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'angular-site-'));
    site = await buildSite({ outDir });
    js = readFileSync(path.join(outDir, site.script), 'utf8');
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  test('writes index.html plus one hashed script and one hashed stylesheet', () => {
    assert.match(site.script, /^assets\/main-[A-Z0-9]{8}\.js$/);
    assert.match(site.style ?? '', /^assets\/main-[A-Z0-9]{8}\.css$/);
    assert.deepEqual(site.files, [site.style, site.script, 'index.html'].sort());
    for (const file of site.files) assert.ok(existsSync(path.join(outDir, file)), `${file} is missing`);
  });

  test('points index.html at the files it built and keeps the app-root element', () => {
    const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
    assert.ok(html.includes(`src="/${site.script}"`));
    assert.ok(html.includes(`href="/${site.style}"`));
    assert.ok(html.includes('<app-root></app-root>'));
    assert.ok(!html.includes('<!-- assets -->'));
  });

  test('bundles Angular in production mode, with the component templates still as source for the JIT compiler', () => {
    assert.ok(!js.includes('ngDevMode'), 'ngDevMode was not replaced, so development checks ship');
    assert.ok(js.includes('app-splitter'));
    assert.ok(js.includes('Split the bill'));
    // One self-contained file: a static import would be a second request the CSP and cache rules never planned for.
    assert.doesNotMatch(js, /(^|[;}])\s*import\s*(\{|\*|"|')/m);
  });

  test('ships the compiler that builds functions from strings, which is why the CSP allows unsafe-eval', () => {
    assert.ok(js.includes('new Function'));
  });

  test('gives the same content the same names, so unchanged files keep their cache', async () => {
    const again = await buildSite({ outDir });
    assert.equal(again.script, site.script);
    assert.equal(again.style, site.style);
  });
});
