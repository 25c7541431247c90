import { expect, test } from '@playwright/test';
import { catalog } from './catalog';

// Visits every page reachable from the home page by following links, as a reader
// (or a search engine) would, and checks each one.
test('every page is reachable, answers 200, has one h1 and logs no error', async ({ page, baseURL }) => {
  // One visit per page, and the pages grow with the catalog: a few seconds each on a busy 2-core machine.
  test.setTimeout(60_000 + (catalog.patterns.length + catalog.registry.components.length + 20) * 3_000);
  const origin = new URL(baseURL!).origin;
  const queue = ['/'];
  const seen = new Set(queue);
  const files = new Set<string>();
  const problems: string[] = [];
  let current = '/';
  page.on('console', (m) => m.type() === 'error' && problems.push(`${current}: console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`${current}: page error: ${e.message}`));
  // Prefetches cancelled by the next navigation are expected; any other failure is not.
  page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && problems.push(`${current}: request failed: ${r.url()}`));
  page.on('response', (r) => r.url().startsWith(origin) && r.status() >= 400 && problems.push(`${current}: ${r.status()} for ${r.url()}`));

  while (queue.length) {
    current = queue.shift()!;
    const response = await page.goto(current);
    expect(response?.status(), current).toBe(200);
    await expect(page.locator('h1'), `${current} has exactly one h1`).toHaveCount(1);
    const duplicateIds = await page.evaluate(() => {
      const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
      return ids.filter((id, i) => ids.indexOf(id) !== i);
    });
    expect(duplicateIds, `${current} has unique element ids`).toEqual([]);
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const href of hrefs) {
      const url = new URL(href);
      if (url.origin !== origin) continue;
      const path = url.pathname;
      // A link to a page in this site must be to a real page, written with its trailing slash.
      const isFile = /\.[a-z]+$/.test(path);
      if (!path.endsWith('/') && !isFile) problems.push(`${current}: link without trailing slash: ${path}`);
      if (isFile && !files.has(path)) {
        // Files (diagram SVGs) are checked to exist, not crawled as pages.
        files.add(path);
        const status = (await page.request.get(path)).status();
        if (status !== 200) problems.push(`${current}: ${status} for linked file ${path}`);
        continue;
      }
      if (!isFile && !seen.has(path)) {
        seen.add(path);
        queue.push(path);
      }
    }
  }

  expect(problems).toEqual([]);
  for (const p of catalog.patterns) expect(seen, `pattern page ${p.slug} is linked`).toContain(`/patterns/${p.slug}/`);
  for (const c of catalog.registry.components) expect(seen, `component page ${c.id} is linked`).toContain(`/components/${c.id}/`);
  for (const path of ['/', '/patterns/', '/components/', '/well-architected/', '/about/']) expect(seen).toContain(path);
});

test('an unknown address gets a helpful 404 page', async ({ page }) => {
  const response = await page.goto('/patterns/no-such-pattern/');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This page does not exist');
  await page.getByRole('link', { name: 'All patterns A–Z' }).click();
  await expect(page).toHaveURL(/\/patterns\/$/);
});
