import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { catalog } from './catalog';

const pages = ['/', '/patterns/', '/components/', `/components/${catalog.patterns[0]!.components[0]}/`, '/well-architected/', '/about/', '/no-such-page/', ...catalog.patterns.map((p) => `/patterns/${p.slug}/`)];

// axe-core checks each page against WCAG 2.x A and AA, in both colour schemes.
for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} scheme`, () => {
    test.use({ colorScheme });
    for (const path of pages) {
      test(`${path} has no WCAG A/AA violations`, async ({ page }) => {
        await page.goto(path);
        // Open every disclosure so hidden source and templates are checked too; out of its
        // one-open-at-a-time group first, or opening each would close the one before.
        await page.locator('details').evaluateAll((els) =>
          els.forEach((d) => {
            d.removeAttribute('name');
            (d as HTMLDetailsElement).open = true;
          }),
        );
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        expect(summary).toEqual([]);
      });
    }
  });
}
