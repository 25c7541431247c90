import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BundleFor, rewritePage } from './rewrite-page';
import { firstLoadScripts, frameworkLeftovers } from './page-weight';

// The build makes one bundle per set of islands; this fixture knows two sets.
const assets: BundleFor = (names) =>
  ({
    'copy-button site-search': { src: '/_islands/page-1-A.js', imports: ['/_islands/chunk-1.js'] },
    'site-search': { src: '/_islands/page-2-B.js', imports: [] },
  })[names.join(' ')];

// The shape `next build` exports: its chunks, the polyfill, the Turbopack list and the RSC payload.
const page = (body: string, head = '') =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>` +
  `<link rel="stylesheet" href="/_next/static/chunks/a.css"/>` +
  `<link rel="preload" as="script" fetchPriority="low" href="/_next/static/chunks/w.js"/>` +
  `<script src="/_next/static/chunks/main.js" async=""></script>` +
  `<script data-boot="theme">document.documentElement.dataset.js=''</script>${head}` +
  `<script src="/_next/static/chunks/polyfill.js" noModule=""></script></head>` +
  `<body>${body}<script id="_R_">(globalThis["TURBOPACK"]||(globalThis["TURBOPACK"]=[])).push({})</script>` +
  `<script>(self.__next_f=self.__next_f||[]).push([0])</script><script>self.__next_f.push([1,"content again"])</script></body></html>`;

test('strips the runtime and payload, keeps CSS and our boot script, and adds the one bundle for its islands', async () => {
  const body = '<island-root data-island="site-search" data-props="{}"><form></form></island-root><p>Hello</p><island-root data-island="copy-button" data-props="{}"></island-root><island-root data-island="copy-button" data-props="{}"></island-root>';
  const { html, islands } = await rewritePage(page(body), assets);
  assert.deepEqual(islands, ['copy-button', 'site-search']);
  assert.deepEqual(frameworkLeftovers(html), []);
  assert.doesNotMatch(html, /_next\/static\/chunks\/[^"]+\.js/);
  assert.match(html, /<link rel="stylesheet" href="\/_next\/static\/chunks\/a.css"\/>/);
  assert.match(html, /<script data-boot="theme">document.documentElement.dataset.js=''<\/script>/);
  assert.match(html, /<p>Hello<\/p>/);
  assert.deepEqual(firstLoadScripts(html), ['/_islands/chunk-1.js', '/_islands/page-1-A.js']);
  assert.match(html, /<script type="module" src="\/_islands\/page-1-A.js"><\/script><\/body>/, 'the bundle comes last in the body');
  assert.equal(html.match(/type="speculationrules"/g)?.length, 1);
});

test('running it again gives the same page', async () => {
  const once = (await rewritePage(page('<island-root data-island="site-search" data-props="{}"></island-root>'), assets)).html;
  assert.equal((await rewritePage(once, assets)).html, once);
});

test('a page without islands gets no module scripts', async () => {
  const { html, islands } = await rewritePage(page('<p>Static</p>'), assets);
  assert.deepEqual(islands, []);
  assert.deepEqual(firstLoadScripts(html), []);
});

test('refuses what it cannot make static, saying what it found', async () => {
  await assert.rejects(rewritePage(page('<island-root data-island="nope"></island-root>'), assets), /no bundle hydrates the islands nope/);
  await assert.rejects(rewritePage(page('', '<script>alert(1)</script>'), assets), /unknown script "alert\(1\)": mark a script of ours with data-boot/);
  await assert.rejects(rewritePage(page('<!--$?--><template id="B:0"></template><!--/$-->'), assets), /Suspense boundary/);
});
