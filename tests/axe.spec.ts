import AxeBuilder from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';
import { catalog } from './catalog';

const pages = ['/', '/patterns/', '/components/', `/components/${catalog.patterns[0]!.components[0]}/`, '/well-architected/', '/about/', '/creators/', `/creators/${catalog.patterns[0]!.creators[0]!.name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-')}/`, '/no-such-page/', ...catalog.patterns.map((p) => `/patterns/${p.slug}/`)];

// One pattern page per scheme is checked with every token of its listings, exactly as built.
const fullListingPage = `/patterns/${catalog.patterns.find((p) => p.slug === 'the-big-fan')?.slug ?? catalog.patterns[0]!.slug}/`;

/**
 * Why: axe's time grows with the number of elements, and nine in ten elements of a pattern page are
 * the one-colour token spans of its highlighted listings (28,000 on the largest page, a 20 s run).
 * A token span has no role, name or focus, so what axe can find in one is its colour against the
 * block's background. Each listing keeps one sample token of every colour it uses, in place,
 * so every colour pair on the page is still measured in the real rendering.
 */
async function sampleListingTokens(page: Page) {
  await page.locator('pre.shiki > code').evaluateAll((codes) =>
    codes.forEach((code) => {
      const samples = new Map<string, Element>();
      for (const token of code.querySelectorAll('.line > span')) {
        // Listings colour tokens by class, prose code blocks by inline style: either marks a colour.
        const colour = `${token.className}|${token.getAttribute('style') ?? ''}`;
        if (token.textContent?.trim() && !samples.has(colour)) samples.set(colour, token.cloneNode(true) as Element);
      }
      const line = document.createElement('span');
      line.className = 'line';
      line.append(...[...samples.values()].flatMap((s) => [s, ' ']));
      code.replaceChildren(line);
    }),
  );
}

async function violations(page: Page, path: string): Promise<string[]> {
  // Open every disclosure so hidden source and templates are checked too; out of its
  // one-open-at-a-time group first, or opening each would close the one before.
  await page.locator('details').evaluateAll((els) =>
    els.forEach((d) => {
      d.removeAttribute('name');
      (d as HTMLDetailsElement).open = true;
    }),
  );
  if (path !== fullListingPage) await sampleListingTokens(page);
  // Why legacy mode and violations only: the pages have no frames, so axe can run in the page itself
  // instead of finishing in a fresh blank page, and the nodes that pass need no serialized detail.
  // Together they cut a run on the A–Z page from 11 s to 2 s.
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'] })
    .analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

async function expectNoViolations(page: Page, path: string) {
  expect(await violations(page, path)).toEqual([]);
}

test('a listing cut down to one token per colour still fails on a token colour with too little contrast', async ({ page }) => {
  const path = `/patterns/${catalog.patterns.find((p) => p.slug !== 'the-big-fan')!.slug}/`;
  await page.goto(path);
  const tokenClass = await page.locator('pre.shiki > code .line > span[class]').first().getAttribute('class');
  await page.addStyleTag({ content: `.${tokenClass} { color: #f1f5f9 !important }` });
  expect((await violations(page, path)).filter((v) => v.startsWith('color-contrast'))).toHaveLength(1);
});

// axe-core checks each page against WCAG 2.x A and AA (2.2 included: target sizes) and its own best
// practices (unique landmarks, among others), in both colour schemes.
for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} scheme`, () => {
    test.use({ colorScheme });
    for (const path of pages) {
      test(`${path} has no WCAG A/AA violations`, async ({ page }) => {
        // The one page checked with every token can take half a minute on a busy 2-core machine.
        if (path === fullListingPage) test.setTimeout(120_000);
        await page.goto(path);
        await expectNoViolations(page, path);
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
        await expectNoViolations(page, path);
      });
    }
    test('the phone menu, open, has no WCAG A/AA violations', async ({ page }) => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto('/about/');
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('group', { name: 'Theme' }).locator('label', { has: page.getByRole('radio', { name: chosen }) }).click();
      await expect(page.locator('html')).toHaveAttribute('data-theme', chosen.toLowerCase());
      await expectNoViolations(page, '/about/');
    });
  });
}
