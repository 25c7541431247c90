import { expect, test } from '@playwright/test';
import { catalog } from './catalog';

const bilingual = catalog.patterns.filter((p) => p.pythonFiles.length > 0);
const first = bilingual[0]!;
const second = bilingual[1] ?? bilingual[0]!;

test('the language tabs switch the source and the choice is remembered across pages and reloads', async ({ page }) => {
  await page.goto(`/patterns/${first.slug}/#source`);
  const ts = page.locator('#source [data-lang-panel="typescript"]');
  const py = page.locator('#source [data-lang-panel="python"]');
  await expect(page.getByRole('tab', { name: 'TypeScript' })).toHaveAttribute('aria-selected', 'true');
  await expect(ts).toBeVisible();
  await expect(py).toBeHidden();

  await page.getByRole('tab', { name: 'Python' }).click();
  await expect(py).toBeVisible();
  await expect(ts).toBeHidden();
  await expect(py.locator('[data-source-file="app.py"]')).toBeVisible();

  await page.goto(`/patterns/${second.slug}/#source`);
  await expect(page.getByRole('tab', { name: 'Python' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#source [data-lang-panel="python"]')).toBeVisible();
  await page.reload();
  await expect(page.locator('#source [data-lang-panel="typescript"]')).toBeHidden();
});

test('a guarantee proven in Python links to its test file and opens the Python source', async ({ page }) => {
  await page.goto(`/patterns/${first.slug}/`);
  const link = page.locator('#guarantees a[href^="#source-python-"]').first();
  const href = (await link.getAttribute('href'))!;
  await link.click();
  await expect(page.locator(`[id="${href.slice(1)}"]`)).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Python' })).toHaveAttribute('aria-selected', 'true');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('both languages show one after the other, with no tabs', async ({ page }) => {
    await page.goto(`/patterns/${first.slug}/`);
    await expect(page.getByRole('tablist', { name: 'Language' })).toHaveCount(0);
    await expect(page.locator('#source [data-lang-panel="typescript"]')).toBeVisible();
    await expect(page.locator('#source [data-lang-panel="python"]')).toBeVisible();
  });
});
