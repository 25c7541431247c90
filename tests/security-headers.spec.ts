import { expect, test, type Page } from '@playwright/test';
import { SECURITY_HEADERS } from '../lib/security-headers';
import { catalog } from './catalog';

const bilingual = catalog.patterns.find((p) => p.pythonFiles.length > 0)!;
const component = catalog.registry.components.find((c) => catalog.patterns.some((p) => p.components.includes(c.id)))!;

test('the local server sends the security headers of lib/security-headers.ts on pages, the 404 page, data and assets', async ({ request }) => {
  const home = await request.get('/');
  const html = await home.text();
  const assets = [
    ...html.matchAll(/<script type="module" src="([^"]+)"/g),
    ...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g),
  ].map((m) => m[1]!);
  expect(assets.length, 'the home page names an island bundle and a stylesheet').toBeGreaterThanOrEqual(2);
  for (const path of ['/', `/patterns/${bilingual.slug}/`, '/no-such-page/', '/search-index.json', '/icon.svg', ...assets]) {
    const response = path === '/' ? home : await request.get(path);
    const headers = response.headers();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headers[name.toLowerCase()], `${name} on ${path}`).toBe(value);
  }
});

/** Records every CSP violation the page reports, from its first script on, and CSP messages on the console. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && console.push(`console: ${m.text()}`));
  // Init scripts are added through the browser's debugging protocol, which no page CSP restricts.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${location.pathname}: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} ${e.sample}`), true);
  });
  return async () => [...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)), ...console];
}

test('the policy is enforced: an injected inline script is blocked and reported', async ({ page }) => {
  const violations = await watchViolations(page);
  await page.goto('/about/');
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.head.append(script);
    return (window as unknown as { injected?: boolean }).injected === true;
  });
  expect(ran).toBe(false);
  // Both channels the page tests listen on report it.
  await expect.poll(violations).toEqual([
    expect.stringMatching(/^\/about\/: script-src-elem blocked inline/),
    expect.stringMatching(/^console: .*violates the following Content Security Policy directive/),
  ]);
});

test.describe('no page logs a CSP violation, including its interactive parts', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('home: the header search opened and typed into, and the theme toggle', async ({ page }) => {
    const violations = await watchViolations(page);
    await page.goto('/');
    const search = page.getByRole('combobox', { name: 'Search patterns' });
    await search.click();
    await search.fill('webhook');
    await expect(page.getByRole('option', { name: /Scalable Webhook/ })).toBeVisible();
    await page.keyboard.press('Escape');
    const theme = page.getByRole('group', { name: 'Theme' });
    await theme.locator('label', { has: page.getByRole('radio', { name: 'Dark' }) }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await violations()).toEqual([]);
  });

  test('explore: filters and the search box', async ({ page }) => {
    const violations = await watchViolations(page);
    await page.goto('/patterns/');
    await page.locator('[data-facet="pillar"][data-value="reliability"]').check();
    await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('lambda');
    await expect(page.locator('[data-explore-status]')).toContainText('patterns');
    await expect(page.locator('[data-result]').first()).toBeVisible();
    expect(await violations()).toEqual([]);
  });

  test('a pattern page: language tabs and the copy button', async ({ page }) => {
    const violations = await watchViolations(page);
    await page.goto(`/patterns/${bilingual.slug}/#source`);
    await page.getByRole('tab', { name: 'Python' }).click();
    await expect(page.locator('#source [data-lang-panel="python"]')).toBeVisible();
    await page.getByRole('tab', { name: 'TypeScript' }).click();
    const entry = page.locator('[data-source-file="package.json"]');
    await entry.locator('summary').click();
    await entry.getByRole('button', { name: 'Copy' }).click();
    await expect(entry.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await violations()).toEqual([]);
  });

  for (const path of ['/components/', `/components/${component.id}/`, '/well-architected/', '/about/', '/no-such-page/']) {
    test(`${path} as it loads`, async ({ page }) => {
      const violations = await watchViolations(page);
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      expect(await violations()).toEqual([]);
    });
  }
});
