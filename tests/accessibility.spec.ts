import { expect, test } from '@playwright/test';
import { catalog } from './catalog';
import { expectAltTextAndLabels } from './pattern-checks/labels';

test('the skip link is the first stop for the keyboard and moves focus to the content', async ({ page }) => {
  await page.goto('/patterns/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});

test('a pattern can be opened and its source read with the keyboard alone', async ({ page }) => {
  const pattern = catalog.patterns[0]!;
  await page.goto('/patterns/');
  const link = page.locator(`[data-pattern="${pattern.slug}"] h3 a`);
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/patterns/${pattern.slug}/$`));
  const summary = page.locator('[data-source-file="package.json"] summary');
  await summary.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-source-file="package.json"] pre.shiki')).toBeVisible();
});

// Pattern pages get the same check in pattern-page.spec.ts, on the one visit each pattern page has.
for (const path of ['/', '/patterns/', '/components/', '/well-architected/']) {
  test(`images carry alt text and form fields carry labels on ${path}`, async ({ page }) => {
    await page.goto(path);
    await expectAltTextAndLabels(page);
  });
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the A–Z list, component pages and the lens page still list every pattern', async ({ page }) => {
    await page.goto('/patterns/');
    await expect(page.locator('[data-pattern]')).toHaveCount(catalog.patterns.length);
    const pattern = catalog.patterns[0]!;
    await page.goto(`/components/${pattern.components[0]}/`);
    await expect(page.locator(`[data-pattern="${pattern.slug}"]`)).toBeVisible();
    await page.goto('/well-architected/');
    await expect(page.locator('[data-mapped-pattern]').first()).toBeVisible();
  });
});

test('the header search lands on the explore view with the query applied', async ({ page }) => {
  const pattern = catalog.patterns.find((p) => p.slug === 'the-big-fan') ?? catalog.patterns[0]!;
  const word = pattern.title.split(' ').pop()!;
  await page.goto('/about/');
  await page.getByRole('combobox', { name: 'Search patterns' }).fill(word);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/patterns/\\?q=${word}$`));
  await expect(page.locator(`[data-result="${pattern.slug}"]`)).toBeVisible();
  await expect(page.locator('section[data-letter]').first()).toBeHidden();
});

test('without JavaScript the header search is a plain form and the list shows every pattern', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/about/');
  await page.getByRole('combobox', { name: 'Search patterns' }).fill('queue');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/patterns\/\?q=queue$/);
  await expect(page.locator('[data-pattern]')).toHaveCount(catalog.patterns.length);
  await context.close();
});

test.describe('in a dark colour scheme', () => {
  test.use({ colorScheme: 'dark' });

  test('diagrams switch to their dark rendering and code to its dark palette', async ({ page, browser }) => {
    const pattern = catalog.patterns[0]!;
    await page.goto(`/patterns/${pattern.slug}/`);
    const img = page.locator('figure[data-diagram] img:visible').first();
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).currentSrc)).toMatch(/-dark\.svg$/);

    const firstToken = (p: typeof page) => p.locator('#start-commands pre.shiki span span').first().evaluate((s) => getComputedStyle(s).color);
    const light = await browser.newPage({ colorScheme: 'light' });
    await light.goto(`/patterns/${pattern.slug}/`);
    expect(await firstToken(page)).not.toBe(await firstToken(light));
    await light.close();
  });
});
