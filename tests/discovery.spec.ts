import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type APIRequestContext, expect, test } from '@playwright/test';
import { siteConfig } from '../lib/site-config';
import { catalog } from './catalog';

// What the site publishes for search engines, feed readers, social previews and language models,
// checked against out/ and the content, not against the functions that wrote it.

/** Every page in out/ as its address: each folder's index.html, the 404 pages left out. */
function builtPages(dir = 'out'): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === 'index.html')
    .map((e) => `/${relative('out', join(e.parentPath, e.name)).replace(/index\.html$/, '')}`)
    .filter((path) => !/^\/(404|_not-found)\//.test(path))
    .sort();
}

/** The path of one of the site's absolute URLs, which always start with siteConfig.url. */
function pathOf(url: string): string {
  expect(url.startsWith(`${siteConfig.url}/`), `${url} is on ${siteConfig.url}`).toBe(true);
  return url.slice(siteConfig.url.length);
}

async function pngSize(request: APIRequestContext, path: string): Promise<[number, number]> {
  const response = await request.get(path);
  expect(response.status(), path).toBe(200);
  const body = await response.body();
  expect(body.subarray(1, 4).toString('latin1'), `${path} is a PNG`).toBe('PNG');
  return [body.readUInt32BE(16), body.readUInt32BE(20)];
}

const xmlTexts = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

test('the sitemap lists every page of out/ once, each with a lastmod, and robots.txt points to it', async ({ request }) => {
  const xml = await (await request.get('/sitemap.xml')).text();
  const locs = xmlTexts(xml, 'loc').map(pathOf);
  expect(new Set(locs).size).toBe(locs.length);
  expect([...locs].sort()).toEqual(builtPages());
  const lastmods = xmlTexts(xml, 'lastmod');
  expect(lastmods).toHaveLength(locs.length);
  for (const d of lastmods) expect(Number.isNaN(Date.parse(d)), d).toBe(false);
  const robots = await (await request.get('/robots.txt')).text();
  expect(robots).toContain(`Sitemap: ${siteConfig.url}/sitemap.xml`);
});

test('the Atom feed parses, holds every pattern newest first and marks updates', async ({ page, request }) => {
  const xml = await (await request.get('/feed.xml')).text();
  await page.goto('/');
  const entries = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.querySelector('parsererror') || doc.documentElement.localName !== 'feed') return null;
    return [...doc.querySelectorAll('entry')].map((e) => ({
      id: e.querySelector('id')?.textContent ?? '',
      updated: e.querySelector('updated')?.textContent ?? '',
      published: e.querySelector('published')?.textContent ?? '',
      summary: e.querySelector('summary')?.textContent ?? '',
    }));
  }, xml);
  expect(entries, 'feed.xml is well-formed Atom').not.toBeNull();
  expect(entries!.map((e) => pathOf(e.id)).sort()).toEqual(catalog.patterns.map((p) => `/patterns/${p.slug}/`).sort());
  const updated = entries!.map((e) => e.updated);
  expect(updated).toEqual([...updated].sort().reverse());
  for (const e of entries!) {
    const p = catalog.patterns.find((x) => pathOf(e.id) === `/patterns/${x.slug}/`)!;
    expect(e.published.slice(0, 10)).toBe(p.added);
    const isUpdate = Boolean(p.updated && p.updated > p.added);
    expect(e.updated.slice(0, 10)).toBe(isUpdate ? p.updated : p.added);
    expect(e.summary.startsWith(`Updated ${p.updated}: `), p.slug).toBe(isUpdate);
  }
});

const anti = catalog.patterns.find((p) => p.kind === 'anti-pattern')!;
const slugify = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
const pagesOfEachType = ['/', '/patterns/', `/patterns/${catalog.patterns.find((p) => p.kind === 'pattern')!.slug}/`, `/patterns/${anti.slug}/`, '/components/', `/components/${catalog.patterns[0]!.components[0]}/`, '/well-architected/', '/well-architected/coverage/', '/about/', '/creators/', `/creators/${slugify(catalog.patterns[0]!.creators[0]!.name)}/`];

for (const path of pagesOfEachType) {
  test(`${path} has its canonical URL, the feed link, Open Graph and Twitter cards with a 1200×630 image`, async ({ page, request }) => {
    await page.goto(path);
    const head = page.locator('head');
    const content = async (selector: string) => (await head.locator(selector).getAttribute('content')) ?? '';
    await expect(head.locator('link[rel="canonical"]')).toHaveAttribute('href', `${siteConfig.url}${path}`);
    await expect(head.locator('link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute('href', `${siteConfig.url}/feed.xml`);
    expect(await content('meta[property="og:url"]')).toBe(`${siteConfig.url}${path}`);
    const pattern = catalog.patterns.find((p) => path === `/patterns/${p.slug}/`);
    expect(await content('meta[property="og:type"]')).toBe(pattern ? 'article' : 'website');
    expect(await content('meta[property="og:title"]')).not.toBe('');
    expect(await content('meta[property="og:image:alt"]')).not.toBe('');
    expect(await content('meta[name="twitter:card"]')).toBe('summary_large_image');
    const image = await content('meta[property="og:image"]');
    expect(await content('meta[name="twitter:image"]')).toBe(image);
    expect(pathOf(image)).toBe(pattern ? `/social/${pattern.slug}.png` : '/social/default.png');
    expect(await pngSize(request, pathOf(image))).toEqual([1200, 630]);
  });
}

test('every pattern has its own 1200×630 social card', async ({ request }) => {
  for (const p of catalog.patterns) expect(await pngSize(request, `/social/${p.slug}.png`), p.slug).toEqual([1200, 630]);
});

test('the 404 page claims no canonical URL', async ({ page }) => {
  await page.goto('/no-such-page/');
  await expect(page.locator('head link[rel="canonical"]')).toHaveCount(0);
});

// Worked out from the frontmatter here, so a wrong rule in lib/creators.ts fails rather than agrees with itself.
const creatorNames = [...new Set(catalog.patterns.flatMap((p) => p.creators.map((c) => c.name)))];
const patternsOf = (name: string) => catalog.patterns.filter((p) => p.creators.some((c) => c.name === name)).map((p) => `/patterns/${p.slug}/`).sort();

test('/creators/ lists every creator A–Z with their patterns, and each creator page lists the same', async ({ page }) => {
  await page.goto('/creators/');
  const items = page.locator('[data-creator]');
  await expect(items).toHaveCount(creatorNames.length);
  const listed = await items.evaluateAll((els) =>
    els.map((el) => ({ name: el.querySelector('a')!.textContent!, href: el.querySelector('a')!.getAttribute('href')!, patterns: [...el.querySelectorAll(':scope ul a')].map((a) => a.getAttribute('href')!) })),
  );
  expect(listed.map((c) => c.name)).toEqual([...creatorNames].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
  for (const c of listed) expect([...c.patterns].sort(), c.name).toEqual(patternsOf(c.name));
  const busiest = [...listed].sort((a, b) => b.patterns.length - a.patterns.length)[0]!;
  await page.goto(busiest.href);
  await expect(page.locator('h1')).toHaveText(busiest.name);
  const cards = await page.locator('main a[href^="/patterns/"]').evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute('href')!))]);
  expect(cards.sort()).toEqual(patternsOf(busiest.name));
});

test('a pattern page links each of its creators to their page', async ({ page }) => {
  const p = catalog.patterns.find((x) => x.creators.length > 1) ?? catalog.patterns[0]!;
  await page.goto(`/patterns/${p.slug}/`);
  const links = page.locator('[data-creator-link]');
  await expect(links).toHaveText(p.creators.map((c) => c.name));
  for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
    expect(href).toMatch(/^\/creators\/[a-z0-9-]+\/$/);
    expect((await page.request.get(href)).status()).toBe(200);
  }
});

test('llms.txt lists every pattern with its summary and a link, anti-patterns in their own section', async ({ request }) => {
  const text = await (await request.get('/llms.txt')).text();
  expect(text).toMatch(/^# .+\n\n> .+\n/);
  const [patterns, antiPatterns = ''] = text.split('\n## Anti-patterns\n');
  for (const p of catalog.patterns) {
    const line = `](${siteConfig.url}/patterns/${p.slug}/): ${p.summary}`;
    expect(p.kind === 'anti-pattern' ? antiPatterns : patterns, p.slug).toContain(line);
  }
});
