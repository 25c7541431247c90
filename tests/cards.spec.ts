import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Locator, expect, test } from '@playwright/test';
import { componentIconSrc, diagramFile } from '../lib/content';
import { catalog } from './catalog';

const bySlug = new Map(catalog.patterns.map((p) => [p.slug, p]));
const themes = ['light', 'dark'] as const;

type CardFacts = { slug: string; thumbs: { theme: string | null; src: string | null; alt: string | null; loading: string | null }[]; ratio: number; icons: { id: string | null; src: string | null; alt: string | null; width: string | null; height: string | null }[]; names: string[] };

/** What every card shows, read in one pass: 60 cards one locator call at a time would be slow. */
function readCards(cards: Locator, key: 'data-pattern' | 'data-result'): Promise<CardFacts[]> {
  return cards.evaluateAll(
    (els, attr) =>
      els.map((el) => {
        const box = el.querySelector('[data-thumbnail]')?.getBoundingClientRect();
        return {
          slug: el.getAttribute(attr)!,
          thumbs: [...el.querySelectorAll('[data-thumbnail] img')].map((i) => ({ theme: i.getAttribute('data-theme'), src: i.getAttribute('src'), alt: i.getAttribute('alt'), loading: i.getAttribute('loading') })),
          ratio: box && box.height ? box.width / box.height : 0,
          icons: [...el.querySelectorAll('[aria-label="AWS components"] img')].map((i) => ({ id: i.getAttribute('data-component-icon'), src: i.getAttribute('src'), alt: i.getAttribute('alt'), width: i.getAttribute('width'), height: i.getAttribute('height') })),
          names: [...el.querySelectorAll('[aria-label="AWS components"] li')].map((li) => li.textContent!.trim()),
        };
      }),
    key,
  );
}

/** The card's picture is the pattern's first diagram in both themes, lazy, decorative, built into out/. */
function expectCard(card: CardFacts) {
  const pattern = bySlug.get(card.slug);
  expect(pattern, `card ${card.slug} is a catalog pattern`).toBeDefined();
  const hash = pattern!.diagrams[0]!.hash;
  expect(card.thumbs, `${card.slug} has one thumbnail per theme`).toEqual(
    themes.map((theme) => ({ theme, src: `/diagrams/${diagramFile(hash, theme)}`, alt: '', loading: 'lazy' })),
  );
  for (const t of card.thumbs) expect(existsSync(join('out', t.src!)), `${t.src} is in out/`).toBe(true);
  // The box keeps its 2:1 shape whatever the diagram's own proportions, so nothing jumps while it loads.
  expect(Math.abs(card.ratio - 2), `${card.slug} thumbnail ratio ${card.ratio}`).toBeLessThan(0.05);
  const components = pattern!.components.map((id) => catalog.registry.components.find((c) => c.id === id)!);
  expect(card.icons, `${card.slug} has one icon per component`).toEqual(
    components.map((c) => ({ id: c.id, src: componentIconSrc(c.id), alt: '', width: '20', height: '20' })),
  );
  expect(card.names, `${card.slug} names each component beside its icon`).toEqual(components.map((c) => c.name));
}

test('every card on the A–Z page has its diagram thumbnail and an icon per component', async ({ page }) => {
  await page.goto('/patterns/');
  const cards = await readCards(page.locator('[data-pattern]'), 'data-pattern');
  expect(cards.map((c) => c.slug).sort()).toEqual(catalog.patterns.map((p) => p.slug).sort());
  cards.forEach(expectCard);
});

test('every card on a component page has its thumbnail and icons', async ({ page }) => {
  const lambda = catalog.registry.components.find((c) => c.id === 'lambda-function')!;
  await page.goto(`/components/${lambda.id}/`);
  const cards = await readCards(page.locator('[data-pattern]'), 'data-pattern');
  expect(cards.map((c) => c.slug).sort()).toEqual(catalog.patterns.filter((p) => p.components.includes(lambda.id)).map((p) => p.slug).sort());
  cards.forEach(expectCard);
});

test('the explore view’s results show the same thumbnail and icons as the cards', async ({ page }) => {
  await page.goto('/patterns/?q=queue');
  await expect(page.locator('[data-result]').first()).toBeVisible();
  const results = await readCards(page.locator('[data-result]'), 'data-result');
  expect(results.length).toBeGreaterThan(1);
  results.forEach(expectCard);
});

for (const scheme of themes) {
  test(`in the ${scheme} scheme a card shows and fetches only the ${scheme} thumbnail`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.goto('/patterns/');
    const card = page.locator('[data-pattern]').first();
    const other = scheme === 'light' ? 'dark' : 'light';
    const shown = card.locator(`[data-thumbnail] img[data-theme="${scheme}"]`);
    await shown.scrollIntoViewIfNeeded();
    await expect(shown).toBeVisible();
    await expect(card.locator(`[data-thumbnail] img[data-theme="${other}"]`)).toBeHidden();
    await expect.poll(() => shown.evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const hiddenSrc = await card.locator(`[data-thumbnail] img[data-theme="${other}"]`).getAttribute('src');
    expect(requested, 'the hidden theme’s file is never fetched').not.toContain(hiddenSrc);
  });
}

test('a card’s picture opens the pattern, its component chips their component pages', async ({ page }) => {
  const pattern = catalog.patterns.find((p) => p.slug === 'the-big-fan') ?? catalog.patterns[0]!;
  await page.goto(`/components/${pattern.components[0]}/`);
  const card = page.locator(`[data-pattern="${pattern.slug}"]`);
  // force: the title link's overlay covers the picture, which is the point; the click lands on it.
  await card.locator('[data-thumbnail]').click({ force: true });
  await expect(page).toHaveURL(new RegExp(`/patterns/${pattern.slug}/$`));
  await page.goBack();
  const last = catalog.registry.components.find((c) => c.id === pattern.components.at(-1))!;
  await card.getByRole('link', { name: last.name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/components/${last.id}/$`));
});
