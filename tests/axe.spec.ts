import AxeBuilder from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';
import { catalog } from './catalog';

const pages = ['/', '/patterns/', '/components/', `/components/${catalog.patterns[0]!.components[0]}/`, '/well-architected/', '/about/', '/creators/', `/creators/${catalog.patterns[0]!.creators[0]!.name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-')}/`, '/no-such-page/', ...catalog.patterns.map((p) => `/patterns/${p.slug}/`)];

async function expectNoViolations(page: Page) {
  // Open every disclosure so hidden source and templates are checked too; out of its
  // one-open-at-a-time group first, or opening each would close the one before.
  await page.locator('details').evaluateAll((els) =>
    els.forEach((d) => {
      d.removeAttribute('name');
      (d as HTMLDetailsElement).open = true;
    }),
  );
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary).toEqual([]);
}

// axe-core checks each page against WCAG 2.x A and AA (2.2 included: target sizes) and its own best
// practices (unique landmarks, among others), in both colour schemes.
for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} scheme`, () => {
    test.use({ colorScheme });
    for (const path of pages) {
      test(`${path} has no WCAG A/AA violations`, async ({ page }) => {
        await page.goto(path);
        await expectNoViolations(page);
      });
    }
  });
}

// The theme a reader picks with the toggle, against the system setting, on one page of each type
// (the phone menu open on one of them): the toggle, not only the media query, must give clean contrast.
const pageTypes = ['/', '/patterns/', `/patterns/${catalog.patterns.find((p) => p.kind === 'pattern')!.slug}/`, `/patterns/${catalog.patterns.find((p) => p.kind === 'anti-pattern')!.slug}/`, '/components/', `/components/${catalog.patterns[0]!.components[0]}/`, '/well-architected/', '/well-architected/coverage/', '/about/', '/no-such-page/'];
for (const [colorScheme, chosen] of [['light', 'Dark'], ['dark', 'Light']] as const) {
  test.describe(`${chosen.toLowerCase()} chosen with the toggle on a ${colorScheme} system`, () => {
    test.use({ colorScheme });
    for (const path of pageTypes) {
      test(`${path} has no WCAG A/AA violations`, async ({ page }) => {
        await page.goto(path);
        await page.getByRole('group', { name: 'Theme' }).locator('label', { has: page.getByRole('radio', { name: chosen }) }).click();
        await expect(page.locator('html')).toHaveAttribute('data-theme', chosen.toLowerCase());
        await expectNoViolations(page);
      });
    }
    test('the phone menu, open, has no WCAG A/AA violations', async ({ page }) => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto('/about/');
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('group', { name: 'Theme' }).locator('label', { has: page.getByRole('radio', { name: chosen }) }).click();
      await expect(page.locator('html')).toHaveAttribute('data-theme', chosen.toLowerCase());
      await expectNoViolations(page);
    });
  });
}
