import { type BrowserContext, type Page, expect, test } from '@playwright/test';
import { resourceCounts } from '../lib/indexes';
import { catalog, synthOutput } from './catalog';
import { expectGuaranteesAndDeployFacts } from './pattern-checks/deploy-ready';
import { expectAltTextAndLabels } from './pattern-checks/labels';
import { expectDiagramsReviewAndVerification } from './pattern-checks/review';

for (const pattern of catalog.patterns) {
  test.describe(pattern.slug, () => {
    // One visit serves every check of a pattern page, in order: loading each page once per check
    // was most of the browser tests' time, and grows with the catalog. The checks that click come last.
    test.describe.configure({ mode: 'serial' });
    let context: BrowserContext;
    let page: Page;
    test.beforeAll(async ({ browser }, testInfo) => {
      const { baseURL, viewport } = testInfo.project.use;
      context = await browser.newContext({ baseURL, viewport });
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      page = await context.newPage();
      await page.goto(`/patterns/${pattern.slug}/`);
    });
    test.afterAll(async () => {
      await context.close();
    });

    test('shows its summary, body, components, mapping and credits', async () => {
      await expect(page.getByText(pattern.summary, { exact: true })).toBeVisible();
      await expect(page.locator('.prose h2').first()).toBeVisible();
      const chips = page.locator('article > header').getByRole('list', { name: 'AWS components' }).getByRole('link');
      await expect(chips).toHaveCount(pattern.components.length);
      await expect(page.locator('#mapping [data-wa]')).toHaveCount(pattern.wellArchitected.length);
      for (const creator of pattern.creators) await expect(page.locator('#creators')).toContainText(creator.name);
    });

    test('draws its architecture as a pre-rendered image with a text alternative, and ships no Mermaid', async () => {
      for (const diagram of pattern.diagrams) {
        const img = page.locator(`[data-diagram="${diagram.hash}"] img:visible`);
        await img.scrollIntoViewIfNeeded();
        await expect(img).toHaveAttribute('alt', diagram.description);
        await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
      }
      const scripts = await page.locator('script[src]').evaluateAll((s) => s.map((e) => (e as HTMLScriptElement).src));
      expect(scripts.filter((s) => /mermaid/i.test(s))).toEqual([]);
      const html = await (await page.request.get(`/patterns/${pattern.slug}/`)).text();
      expect(html).not.toContain('<svg id="arch');
    });

    test('carries alt text on every image and a label on every form field', async () => {
      await expectAltTextAndLabels(page);
    });

    test('links each guarantee to its tests, and derives Before you deploy and Clean up from the template', async () => {
      await expectGuaranteesAndDeployFacts(page, pattern);
    });

    test('offers its source in each language it lists', async () => {
      for (const language of pattern.languages) {
        await expect(page.locator(`#source [data-lang-panel="${language}"]`)).toHaveCount(1);
      }
      await expect(page.locator('#source [data-source-language="python"]')).toHaveCount(pattern.pythonFiles.length);
    });

    test('shows its verification line, as-built diagram and automated review', async () => {
      await expectDiagramsReviewAndVerification(page, pattern);
    });

    test('lists every file of its CDK app, highlighted, each with a repository link', async () => {
      const files = page.locator('[data-source-language="typescript"][data-source-file]');
      await expect(files).toHaveCount(pattern.sourceFiles.length);
      const stackFile = `lib/${pattern.slug}-stack.ts`;
      const entry = page.locator(`[data-source-file="${stackFile}"]`);
      await entry.locator('summary').click();
      await expect(entry.locator('pre.shiki')).toBeVisible();
      // Highlighted means tokens painted in several colours, not one block of text.
      const colours = await entry.locator('pre.shiki span').evaluateAll((spans) => new Set(spans.map((s) => getComputedStyle(s).color)).size);
      expect(colours).toBeGreaterThan(3);
      await expect(entry.getByRole('link', { name: 'View in repository' })).toHaveAttribute(
        'href',
        new RegExp(`/blob/main/content/patterns/${pattern.slug}/typescript/${stackFile}$`),
      );
    });

    test('copies a source file exactly', async () => {
      const entry = page.locator(`[data-source-file="package.json"]`);
      await entry.locator('summary').click();
      await entry.getByRole('button', { name: 'Copy' }).click();
      await expect(entry.getByRole('button', { name: 'Copied' })).toBeVisible();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(JSON.parse(copied).name).toBe(pattern.slug);
    });

    test('shows the synthesized template with its resource counts', async () => {
      const synth = synthOutput(pattern.slug);
      const counts = resourceCounts(synth.stacks.map((s) => s.template));
      for (const { type, count } of counts) {
        await expect(page.locator(`[data-resource-type="${type}"] td`).last()).toHaveText(String(count));
      }
      await expect(page.locator('[data-resource-total]')).toHaveText(String(counts.reduce((n, c) => n + c.count, 0)));
      const details = page.locator('#template details').first();
      await expect(details.locator('pre')).toBeHidden();
      await details.locator('summary').click();
      await expect(details.locator('pre')).toContainText('"Resources"');
    });
  });
}
