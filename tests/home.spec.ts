import { expect, test } from '@playwright/test';
import { componentIconSrc, diagramFile } from '../lib/content';
import { catalog } from './catalog';

// Expectations are worked out here from the content, not with the site's own index functions,
// so a wrong rule in lib/indexes.ts fails these tests rather than agreeing with itself.
const dateOf = (p: (typeof catalog.patterns)[number]) => p.updated ?? p.added;
const lensIds = (p: (typeof catalog.patterns)[number]) => new Set(p.wellArchitected.map((e) => ('practice' in e ? e.practice : e.question))).size;

test('the home page says what the site is, with counts that match the content', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-promise]')).toBeVisible();
  await expect(page.locator('[data-count="patterns"]')).toHaveText(String(catalog.patterns.length));
  await expect(page.locator('[data-count="components"]')).toHaveText(String(new Set(catalog.patterns.flatMap((p) => p.components)).size));
  const practices = catalog.lens.pillars.flatMap((p) => p.questions.flatMap((q) => q.practices.map((x) => x.id)));
  const covered = practices.filter((id) => catalog.patterns.some((p) => p.wellArchitected.some((e) => 'practice' in e && e.practice === id)));
  await expect(page.locator('[data-count="practices"]')).toHaveText(`${covered.length}/${practices.length}`);
});

test('the featured pattern maps to the most of the lens and shows its diagram in the current theme', async ({ page }) => {
  await page.goto('/');
  const featured = page.locator('[data-featured]');
  const slug = (await featured.getAttribute('data-featured'))!;
  const pattern = catalog.patterns.find((p) => p.slug === slug)!;
  expect(pattern.kind).toBe('pattern');
  const best = Math.max(...catalog.patterns.filter((p) => p.kind === 'pattern').map(lensIds));
  expect(lensIds(pattern), `${slug} maps to the most lens practices and questions`).toBe(best);
  const diagram = pattern.diagrams[0]!;
  const light = featured.locator('figure img[data-theme="light"]');
  await expect(light).toBeVisible();
  await expect(light).toHaveAttribute('src', `/diagrams/${diagramFile(diagram.hash, 'light')}`);
  await expect(light).toHaveAttribute('alt', diagram.description);
  await expect.poll(() => light.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await expect(featured.locator('figure img[data-theme="dark"]')).toBeHidden();
  await featured.getByRole('link', { name: pattern.title, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/patterns/${slug}/$`));
});

test('in the dark scheme the featured diagram is its dark rendering', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/');
  const dark = page.locator('[data-featured] figure img[data-theme="dark"]');
  await expect(dark).toBeVisible();
  await expect(dark).toHaveAttribute('src', /-dark\.svg$/);
  await expect(page.locator('[data-featured] figure img[data-theme="light"]')).toBeHidden();
});

test('the newest patterns are listed newest first, and none left out is newer', async ({ page }) => {
  await page.goto('/');
  const featured = await page.locator('[data-featured]').getAttribute('data-featured');
  const cards = page.locator('[data-newest] [data-pattern]');
  await expect(cards.first()).toBeVisible();
  const shown = await cards.evaluateAll((els) => els.map((e) => ({ slug: e.getAttribute('data-pattern')!, date: e.querySelector('time')?.getAttribute('datetime') })));
  expect(shown.length).toBeGreaterThanOrEqual(3);
  for (const s of shown) expect(s.date, `${s.slug} shows its date`).toBe(dateOf(catalog.patterns.find((p) => p.slug === s.slug)!));
  const dates = shown.map((s) => s.date!);
  expect(dates, 'newest first').toEqual([...dates].sort().reverse());
  const oldestShown = dates.at(-1)!;
  const left = catalog.patterns.filter((p) => p.slug !== featured && !shown.some((s) => s.slug === p.slug));
  for (const p of left) expect(dateOf(p) <= oldestShown, `${p.slug} (${dateOf(p)}) is not newer than the list`).toBe(true);
  expect(shown.map((s) => s.slug)).not.toContain(featured);
});

test('lens coverage per pillar equals the mappings in the content and links to the lens pages', async ({ page }) => {
  await page.goto('/');
  for (const pillar of catalog.lens.pillars) {
    const practices = pillar.questions.flatMap((q) => q.practices.map((x) => x.id));
    const mapsHere = (e: (typeof catalog.patterns)[number]['wellArchitected'][number]) =>
      'practice' in e ? practices.includes(e.practice) : pillar.questions.some((q) => q.id === e.question);
    const covered = practices.filter((id) => catalog.patterns.some((p) => p.wellArchitected.some((e) => 'practice' in e && e.practice === id)));
    const patterns = catalog.patterns.filter((p) => p.wellArchitected.some(mapsHere));
    const tile = page.locator(`[data-pillar="${pillar.id}"]`);
    await expect(tile.locator('[data-practices-covered]')).toHaveText(`${covered.length} of ${practices.length} practices`);
    await expect(tile.locator('[data-pattern-count]')).toHaveText(`${patterns.length} pattern${patterns.length === 1 ? '' : 's'}`);
    await expect(tile.locator('svg[data-pillar-glyph]')).toHaveAttribute('aria-hidden', 'true');
    await expect(tile.getByRole('link')).toHaveAttribute('href', `/well-architected/#${pillar.id}`);
  }
  await page.getByRole('link', { name: 'Coverage matrix →' }).click();
  await expect(page).toHaveURL(/\/well-architected\/coverage\/$/);
  await page.goBack();
  const first = catalog.lens.pillars[0]!;
  await page.locator(`[data-pillar="${first.id}"] a`).click();
  await expect(page).toHaveURL(new RegExp(`/well-architected/#${first.id}$`));
  await expect(page.locator(`#${first.id}`)).toBeInViewport();
});

for (const path of ['/', '/components/']) {
  test(`component tiles on ${path} carry their icon and link to their page`, async ({ page }) => {
    await page.goto(path);
    const tiles = await page.locator('li[data-component]').evaluateAll((els) =>
      els.map((li) => {
        const img = li.querySelector('a img');
        return { id: li.getAttribute('data-component'), href: li.querySelector('a')?.getAttribute('href'), src: img?.getAttribute('src'), alt: img?.getAttribute('alt'), size: [img?.getAttribute('width'), img?.getAttribute('height')] };
      }),
    );
    // The home page lists the original site's components and any a pattern uses; /components/ lists them all.
    const used = new Set(catalog.patterns.flatMap((p) => p.components));
    const expected = catalog.registry.components.filter((c) => path === '/components/' || used.has(c.id) || c.onOriginalSite);
    expect(tiles.map((t) => t.id).sort()).toEqual(expected.map((c) => c.id).sort());
    for (const t of tiles) expect(t).toEqual({ id: t.id, href: `/components/${t.id}/`, src: componentIconSrc(t.id!), alt: '', size: ['32', '32'] });
    const component = catalog.registry.components.find((c) => used.has(c.id))!;
    await page.locator(`li[data-component="${component.id}"] a`).click();
    await expect(page).toHaveURL(new RegExp(`/components/${component.id}/$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(component.name);
  });
}
