import { type Locator, type Page, expect, test } from '@playwright/test';
import { languageAnchor } from '../lib/content/patterns';
import { deployGlance } from '../lib/deploy-glance';
import { PAGE_SECTIONS, leadDiagrams } from '../lib/page-outline';
import { deployFacts } from '../lib/proof/deploy-facts';
import { catalog, synthOutput } from './catalog';

/** Whether `a` comes before `b` in the document. */
const precedes = async (a: Locator, b: Locator) => a.evaluate((x, y) => Boolean(x.compareDocumentPosition(y!) & Node.DOCUMENT_POSITION_FOLLOWING), await b.elementHandle());
const top = async (l: Locator) => (await l.boundingBox())!.y;
const outline = (page: Page) => page.getByRole('navigation', { name: 'On this page' });

for (const pattern of catalog.patterns) {
  test(`${pattern.slug}: title, summary, diagram, Before you deploy at a glance, then the body, with an outline of it all`, async ({ page }) => {
    await page.goto(`/patterns/${pattern.slug}/`);
    const lead = leadDiagrams(pattern);
    const figures = page.locator('[data-lead-diagrams] figure[data-diagram]');
    await expect(figures).toHaveCount(lead.length);
    for (const [i, d] of lead.entries()) {
      await expect(figures.nth(i)).toHaveAttribute('data-diagram', d.hash);
      await expect(figures.nth(i).locator('img:visible')).toHaveAttribute('alt', d.description);
    }
    // Every authored diagram is on the page once: lifted to the top, not also drawn in the body.
    for (const d of pattern.diagrams) await expect(page.locator(`[data-diagram="${d.hash}"]`)).toHaveCount(1);

    const summary = page.getByText(pattern.summary, { exact: true });
    const glance = page.locator('[data-deploy-glance]');
    const firstSection = page.locator('.prose h2').first();
    expect(await precedes(page.locator('h1'), summary)).toBe(true);
    expect(await precedes(summary, figures.first())).toBe(true);
    expect(await precedes(figures.last(), glance)).toBe(true);
    expect(await precedes(glance, firstSection)).toBe(true);
    // And on screen, not only in source order.
    expect(await top(figures.first())).toBeLessThan(await top(glance));
    expect(await top(glance)).toBeLessThan(await top(firstSection));

    const facts = deployFacts(synthOutput(pattern.slug).stacks);
    await expect(glance.locator('[data-idle-usd]')).toHaveAttribute('data-idle-usd', deployGlance(facts).idle.usd.toFixed(2));
    await expect(glance.locator('[data-glance="quotas"]')).toContainText(facts.quotas.length ? `${facts.quotas.length} near` : 'Fits a fresh account');
    await expect(glance.locator('[data-glance="needs"]')).toContainText(facts.needsDocker ? 'Docker' : 'bootstrapped account');
    await expect(glance.locator('[data-glance="regions"]')).toHaveCount(1);
    await expect(glance.getByRole('link', { name: /details/ })).toHaveAttribute('href', '#before-you-deploy');

    // The outline names each body section and each of the page's own, and each points at an id on the page.
    const bodyIds = await page.locator('.prose h2').evaluateAll((hs) => hs.map((h) => h.id));
    const hrefs = await outline(page).getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual([...bodyIds, ...PAGE_SECTIONS.map((s) => s.id)].map((id) => `#${id}`));
    // Today's anchors all still land: the page's sections and every source file, each id once.
    const anchors = [
      ...PAGE_SECTIONS.map((s) => s.id),
      ...pattern.sourceFiles.map((f) => languageAnchor('typescript', f)),
      ...pattern.pythonFiles.map((f) => languageAnchor('python', f)),
    ];
    const missing = await page.evaluate((ids) => ids.filter((id) => document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length !== 1), anchors);
    expect(missing).toEqual([]);
  });
}

test.describe('on a wide screen', () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test('the outline stays in view beside the content and marks the section being read', async ({ page }) => {
    await page.goto('/patterns/the-big-fan/');
    const nav = outline(page);
    const links = nav.getByRole('link');
    await expect(links.first()).toBeVisible();
    const bodyLink = links.first();
    const id = (await bodyLink.getAttribute('href'))!.slice(1);

    await page.locator(`[id="${id}"]`).evaluate((h) => h.scrollIntoView());
    await expect(bodyLink).toHaveAttribute('aria-current', 'location');

    await nav.getByRole('link', { name: 'Review', exact: true }).click();
    await expect(page).toHaveURL(/#review$/);
    await expect(nav.getByRole('link', { name: 'Review', exact: true })).toHaveAttribute('aria-current', 'location');
    await expect(nav.locator('[aria-current]')).toHaveCount(1);
    // Sticky: a screen and more below the top, the outline is still in view, beside (not above) the section.
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(900);
    await expect(nav).toBeInViewport();
    const review = (await page.locator('#review').boundingBox())!;
    expect((await nav.boundingBox())!.x).toBeGreaterThanOrEqual(review.x + review.width);
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the outline is a collapsed list above the body, not sticky', async ({ page }) => {
    await page.goto('/patterns/the-big-fan/');
    const nav = outline(page);
    await expect(nav).toHaveCSS('position', 'static');
    await expect(nav.getByRole('link').first()).toBeHidden();
    expect(await precedes(nav, page.locator('.prose h2').first())).toBe(true);
    await nav.getByText('On this page').click();
    await expect(nav.getByRole('link', { name: 'Source', exact: true })).toBeVisible();
    expect((await nav.getByRole('link', { name: 'Source', exact: true }).boundingBox())!.height).toBeGreaterThanOrEqual(44);
  });
});

const bilingual = catalog.patterns.find((p) => p.pythonFiles.length > 0 && p.sourceFiles.length > 3)!;

test(`each source file's anchor opens that file and brings it into view (${bilingual.slug})`, async ({ page }) => {
  await page.goto(`/patterns/${bilingual.slug}/`);
  for (const file of bilingual.sourceFiles) {
    const anchor = languageAnchor('typescript', file);
    await page.evaluate((a) => (location.hash = a), anchor);
    const code = page.locator(`[id="${anchor}"] pre.shiki`);
    await expect(code).toBeVisible();
    await expect(code).toBeInViewport();
  }
  // A Python file's anchor switches the language too.
  const python = languageAnchor('python', bilingual.pythonFiles[0]!);
  await page.evaluate((a) => (location.hash = a), python);
  await expect(page.getByRole('tab', { name: 'Python' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator(`[id="${python}"] pre.shiki`)).toBeInViewport();
});

test('a link straight to a source file opens it on load', async ({ page }) => {
  const anchor = languageAnchor('typescript', `lib/${bilingual.slug}-stack.ts`);
  await page.goto(`/patterns/${bilingual.slug}/#${anchor}`);
  await expect(page.locator(`[id="${anchor}"] pre.shiki`)).toBeInViewport();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a link to a source file still opens it, in either language', async ({ page }) => {
    for (const anchor of [languageAnchor('typescript', `lib/${bilingual.slug}-stack.ts`), languageAnchor('python', 'app.py')]) {
      await page.goto(`/patterns/${bilingual.slug}/#${anchor}`);
      await expect(page.locator(`[id="${anchor}"] pre.shiki`)).toBeInViewport();
    }
  });

  test('the outline is there and its links lead to their sections', async ({ page }) => {
    await page.goto(`/patterns/${bilingual.slug}/`);
    await outline(page).getByRole('link', { name: 'Guarantees', exact: true }).click();
    await expect(page).toHaveURL(/#guarantees$/);
    await expect(page.locator('#guarantees-heading')).toBeInViewport();
  });
});

test('the source shows one file at a time per language, in a bounded box', async ({ page }) => {
  await page.goto(`/patterns/${bilingual.slug}/`);
  const source = page.locator('#source');
  await expect(source.locator('details[open]')).toHaveCount(0);
  const closed = (await source.boundingBox())!.height;

  const ts = source.locator('[data-lang-panel="typescript"]');
  const longest = `lib/${bilingual.slug}-stack.ts`;
  for (const file of ['package.json', longest]) await ts.locator(`[data-source-file="${file}"] summary`).click();
  await expect(ts.locator('details[open]')).toHaveCount(1);
  await expect(ts.locator(`[data-source-file="${longest}"] details`)).toHaveAttribute('open', '');

  const box = (await ts.locator(`[data-source-file="${longest}"] [role="region"]`).boundingBox())!;
  expect(box.height).toBeLessThanOrEqual(36 * 16);
  // The section grows by the one open file, whatever its length, and no more.
  expect((await source.boundingBox())!.height).toBeLessThanOrEqual(closed + 36 * 16 + 120);
});

test('the template shows one stack at a time', async ({ page }) => {
  const multi = catalog.patterns.find((p) => synthOutput(p.slug).stacks.length > 1 && p.kind === 'pattern')!;
  await page.goto(`/patterns/${multi.slug}/`);
  const stacks = page.locator('#template details');
  await stacks.nth(0).locator('summary').click();
  await stacks.nth(1).locator('summary').click();
  await expect(page.locator('#template details[open]')).toHaveCount(1);
  await expect(stacks.nth(1).locator('pre')).toBeVisible();
});
