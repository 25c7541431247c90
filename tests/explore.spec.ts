import { expect, test, type Page } from '@playwright/test';
import { lensAnchor, patternMappings } from '../lib/indexes';
import { catalog } from './catalog';

// Expected sets are computed here from the content, independently of lib/search/facets.
const pillarsOf = (slug: string) => {
  const p = catalog.patterns.find((x) => x.slug === slug)!;
  return new Set(patternMappings(catalog, p).map((m) => m.pillar.id));
};
const practicesOf = (slug: string) => {
  const p = catalog.patterns.find((x) => x.slug === slug)!;
  return new Set(patternMappings(catalog, p).flatMap((m) => (m.practice ? [lensAnchor(m.practice.id)] : [])));
};
const usage = new Map<string, number>();
for (const p of catalog.patterns) for (const c of p.components) usage.set(c, (usage.get(c) ?? 0) + 1);
const byUse = [...usage].sort((a, b) => b[1] - a[1]).map(([id]) => id);
const [common, second] = [byUse[0]!, byUse.find((id) => id !== byUse[0] && usage.get(id)! < catalog.patterns.length) ?? byUse[1]!];

const shown = (page: Page) => page.locator('[data-result]').evaluateAll((els) => els.map((e) => e.getAttribute('data-result')).sort());
const expectSlugs = (pred: (slug: string) => boolean) =>
  catalog.patterns.filter((p) => pred(p.slug)).map((p) => p.slug).sort();
const has = (slug: string, id: string) => catalog.patterns.find((p) => p.slug === slug)!.components.includes(id);

test('facets AND across, OR within, and the counts say what each value would leave', async ({ page }) => {
  await page.goto(`/patterns/?component=${common}&pillar=reliability`);
  const want = expectSlugs((s) => has(s, common) && pillarsOf(s).has('reliability'));
  await expect.poll(() => shown(page)).toEqual(want);
  await expect(page.locator('[data-explore-status]')).toContainText(`${want.length} of ${catalog.patterns.length} patterns`);

  await page.locator(`[data-facet="component"][data-value="${second}"]`).check();
  const wantOr = expectSlugs((s) => (has(s, common) || has(s, second)) && pillarsOf(s).has('reliability'));
  await expect.poll(() => shown(page)).toEqual(wantOr);
  const params = new URL(page.url()).searchParams;
  expect(params.getAll('component').sort()).toEqual([common, second].sort());
  expect(params.getAll('pillar')).toEqual(['reliability']);

  for (const pillar of catalog.lens.pillars) {
    const n = expectSlugs((s) => (has(s, common) || has(s, second)) && pillarsOf(s).has(pillar.id)).length;
    const box = page.locator(`[data-facet="pillar"][data-value="${pillar.id}"]`);
    await expect(page.locator(`label[for="facet-pillar-${pillar.id}"]`)).toContainText(`(${n})`);
    if (n === 0 && pillar.id !== 'reliability') await expect(box).toBeDisabled();
  }
});

test('practices filter exactly the patterns mapped to them', async ({ page }) => {
  const practice = [...new Set(catalog.patterns.flatMap((p) => [...practicesOf(p.slug)]))][0]!;
  await page.goto(`/patterns/?practice=${practice}`);
  await expect.poll(() => shown(page)).toEqual(expectSlugs((s) => practicesOf(s).has(practice)));
});

test('the URL round-trips: load, change, back, forward', async ({ page }) => {
  await page.goto(`/patterns/?component=${common}`);
  await expect.poll(() => shown(page)).toEqual(expectSlugs((s) => has(s, common)));
  await page.locator('[data-facet="pillar"][data-value="reliability"]').check();
  await expect(page).toHaveURL(/pillar=reliability/);
  const narrowed = expectSlugs((s) => has(s, common) && pillarsOf(s).has('reliability'));
  await expect.poll(() => shown(page)).toEqual(narrowed);
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`\\?component=${common}$`));
  await expect(page.locator('[data-facet="pillar"][data-value="reliability"]')).not.toBeChecked();
  await expect.poll(() => shown(page)).toEqual(expectSlugs((s) => has(s, common)));
  await page.goForward();
  await expect.poll(() => shown(page)).toEqual(narrowed);
  await page.reload();
  await expect.poll(() => shown(page)).toEqual(narrowed);
});

test('unknown and malformed values are ignored with a visible note', async ({ page }) => {
  await page.goto('/patterns/?component=not-a-thing&pillar=reliability&colour=blue&q=' + 'y'.repeat(300));
  await expect(page.locator('[data-ignored]')).toHaveCount(3);
  await expect(page.locator('[data-ignored]').first()).toContainText('component=not-a-thing');
  await expect(page.locator('[data-facet="pillar"][data-value="reliability"]')).toBeChecked();
  await expect(page.getByRole('searchbox', { name: 'Search', exact: true })).toHaveValue('y'.repeat(100));
});

test('the empty state says what was asked and clears each filter in one click', async ({ page }) => {
  await page.goto(`/patterns/?q=zzxqj&component=${common}`);
  const empty = page.locator('[data-empty]');
  await expect(empty).toContainText('No pattern matches “zzxqj”');
  await empty.getByRole('button', { name: 'Remove “zzxqj”' }).click();
  await expect(page).toHaveURL(new RegExp(`\\?component=${common}$`));
  await expect.poll(() => shown(page)).toEqual(expectSlugs((s) => has(s, common)));
});

test('a query narrows, is highlighted and says why each result matched', async ({ page }) => {
  const target = catalog.patterns[0]!;
  await page.goto(`/patterns/?q=${encodeURIComponent(target.title)}`);
  const first = page.locator('[data-result]').first();
  await expect(first).toHaveAttribute('data-result', target.slug);
  await expect(first.locator('mark').first()).toBeVisible();
  await expect(first.locator('[data-reasons]')).toContainText('title');
});

test('keyboard only: type a query, tick a facet with Space, clear all', async ({ page }) => {
  await page.goto('/patterns/');
  const q = page.getByRole('searchbox', { name: 'Search', exact: true });
  await expect(q).toBeEnabled();
  await q.focus();
  await page.keyboard.type('lambda');
  await expect(page).toHaveURL(/\?q=lambda$/);
  await expect(page.locator('[data-explore-status]')).toContainText(' of ');
  await page.keyboard.press('Tab');
  await expect(page.locator('[data-facet="component"]:enabled').first()).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page).toHaveURL(/q=lambda&component=/);
  await page.getByRole('button', { name: 'Clear all' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/patterns\/$/);
  await expect(page.locator('section[data-letter]').first()).toBeVisible();
});

test('hostile text in the explore query is shown as text', async ({ page }) => {
  await page.goto('/patterns/?q=' + encodeURIComponent('<script>window.__pwned=1</script>(['));
  await expect(page.locator('[data-empty]')).toContainText('<script>window.__pwned=1</script>([');
  expect(await page.evaluate(() => '__pwned' in window)).toBe(false);
});
