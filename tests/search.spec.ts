import { expect, test, type Page } from '@playwright/test';
import { catalog } from './catalog';

/** A one-letter typo in the title's longest word: "Streamer" → "Streamar". */
function typo(title: string): string {
  const words = title.replace(/^The /, '').split(' ');
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
  const i = longest.length - 2;
  const swapped = longest.slice(0, i) + (longest[i] === 'a' ? 'e' : 'a') + longest.slice(i + 1);
  return words.map((w) => (w === longest ? swapped : w)).join(' ');
}

const searchBox = (page: Page) => page.getByRole('combobox', { name: 'Search patterns' });

/** Navigates and waits until the search island is armed: it hydrates on first focus or pointer. */
async function open(page: Page, path: string) {
  await page.goto(path);
  await page.locator('[data-island="site-search"][data-armed]').waitFor({ state: 'attached' });
}

test('the index and Fuse.js are fetched only when search is first used', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await open(page, '/');
  await page.waitForLoadState('networkidle');
  expect(requests.filter((r) => r.includes('search-index'))).toEqual([]);
  const before = requests.length;
  const indexFetched = page.waitForRequest((r) => r.url().endsWith('/search-index.json'));
  await searchBox(page).fill('webhook');
  await indexFetched;
  await expect(page.getByRole('option', { name: /Scalable Webhook/ })).toBeVisible();
  const later = requests.slice(before);
  expect(later).toContain('/search-index.json');
  expect(later.some((r) => r.endsWith('.js')), 'the search code arrives as its own chunk').toBe(true);
});

for (const pattern of catalog.patterns) {
  const query = typo(pattern.title);
  test(`a typo ("${query}") still puts ${pattern.slug} first`, async ({ page }) => {
    await open(page, '/about/');
    await searchBox(page).fill(query);
    const first = page.getByRole('option').first();
    await expect(first).toContainText(pattern.title);
    await expect(first.locator('mark').first()).toBeVisible();
    await expect(first).toContainText('Matched in title');
  });
}

const named = [
  ['dynamo streemer', 'the-dynamo-streamer'],
  ['webhok', 'the-scalable-webhook'],
  ['big fann', 'the-big-fan'],
] as const;
for (const [query, slug] of named) {
  const pattern = catalog.patterns.find((p) => p.slug === slug);
  test(`"${query}" finds ${slug} first`, async ({ page }) => {
    test.skip(!pattern, `${slug} is not in the catalog`);
    await open(page, '/');
    await searchBox(page).fill(query);
    await expect(page.getByRole('option').first()).toContainText(pattern!.title);
  });
}

test('keyboard: / and Ctrl+K focus, arrows move, Enter opens, Escape closes', async ({ page }) => {
  const target = catalog.patterns[0]!;
  await open(page, '/components/');
  await page.keyboard.press('/');
  await expect(searchBox(page)).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+k');
  await expect(searchBox(page)).toBeFocused();

  await page.keyboard.type(target.title);
  const box = searchBox(page);
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  // The "Explore all results for …" option names the query too: wait for the hit itself, which a
  // slow index load (a busy machine) would otherwise leave the arrows to skip.
  await expect(page.getByRole('option').first()).toContainText(target.title);
  await expect(page.getByRole('option').first()).toContainText('Matched in');
  await page.keyboard.press('ArrowDown');
  const first = page.getByRole('option').first();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', (await first.getAttribute('id'))!);
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('option').last()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Escape');
  await expect(box).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('listbox', { name: 'Search results' })).toBeHidden();

  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/patterns/${target.slug}/$`));
});

test('Enter without a chosen result opens the explore view with the query', async ({ page }) => {
  await open(page, '/');
  await searchBox(page).fill('queue');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/patterns\/\?q=queue$/);
  await expect(page.getByRole('searchbox', { name: 'Search', exact: true })).toHaveValue('queue');
});

test('hostile text is shown as text and never run', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await open(page, '/');
  for (const q of ['<img src=x onerror="window.__pwned=1">', '.*+?^${}()|[]\\', 'x'.repeat(10_000)]) {
    await searchBox(page).fill(q);
    await expect(page.getByRole('option').last()).toBeVisible();
  }
  expect(await page.evaluate(() => 'pwned' in window || '__pwned' in window)).toBe(false);
  expect(errors).toEqual([]);
});
