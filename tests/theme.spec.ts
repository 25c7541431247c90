import { type Page, expect, test } from '@playwright/test';
import { catalog } from './catalog';

const pattern = catalog.patterns[0]!;
const toggle = (page: Page) => page.getByRole('group', { name: 'Theme' });
/** Clicks an option as a reader does: on its icon, which is the radio's label. */
const choose = (page: Page, name: 'Light' | 'Dark' | 'System') =>
  toggle(page).locator('label', { has: page.getByRole('radio', { name }) }).click();
const theme = (page: Page) => page.locator('html').getAttribute('data-theme');
const background = (page: Page) => page.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);

/**
 * Records html[data-theme] the moment <body> joins the document, before any of the page can be
 * painted, and again at DOMContentLoaded: what a reader would see on first paint.
 */
async function recordFirstPaintTheme(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { themeAtBody?: string | null; themeAtLoad?: string | null };
    const observer = new MutationObserver(() => {
      if (!document.body) return;
      w.themeAtBody = document.documentElement.getAttribute('data-theme');
      observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
    document.addEventListener('DOMContentLoaded', () => (w.themeAtLoad = document.documentElement.getAttribute('data-theme')));
  });
}
const recorded = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { themeAtBody?: string | null; themeAtLoad?: string | null };
    return [w.themeAtBody, w.themeAtLoad];
  });

test.describe('with a light system setting', () => {
  test.use({ colorScheme: 'light' });

  test('dark chosen with the toggle is remembered after a reload and set before first paint', async ({ page }) => {
    await recordFirstPaintTheme(page);
    await page.goto('/about/');
    const light = await background(page);
    expect(await theme(page)).toBe('light');
    await choose(page, 'Dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await background(page)).not.toBe(light);

    await page.reload();
    expect(await recorded(page)).toEqual(['dark', 'dark']);
    await expect(toggle(page).getByRole('radio', { name: 'Dark' })).toBeChecked();
    expect(await background(page)).not.toBe(light);

    // Another page of the site opens dark too, and "System" hands the choice back.
    await page.goto('/patterns/');
    expect(await recorded(page)).toEqual(['dark', 'dark']);
    await choose(page, 'System');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await page.reload();
    expect(await recorded(page)).toEqual(['light', 'light']);
  });

  test('the toggle is a keyboard-usable radio group', async ({ page }) => {
    await page.goto('/about/');
    const system = toggle(page).getByRole('radio', { name: 'System' });
    await expect(system).toBeChecked();
    await system.focus();
    await page.keyboard.press('ArrowLeft');
    await expect(toggle(page).getByRole('radio', { name: 'Dark' })).toBeChecked();
    await expect(toggle(page).getByRole('radio', { name: 'Dark' })).toBeFocused();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.keyboard.press('ArrowLeft');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  });

  test('the diagram and code shown switch with the toggle; the hidden diagram is not fetched', async ({ page }) => {
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.goto(`/patterns/${pattern.slug}/`);
    const figure = page.locator(`[data-diagram="${pattern.diagrams[0]!.hash}"]`).first();
    const shown = figure.locator('img:visible');
    await figure.scrollIntoViewIfNeeded();
    await expect(shown).toHaveCount(1);
    await expect(shown).toHaveAttribute('data-diagram-theme', 'light');
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(requested.filter((p) => p.endsWith('-dark.svg'))).toEqual([]);
    const token = page.locator('#start-commands pre.shiki span span').first();
    const lightToken = await token.evaluate((s) => getComputedStyle(s).color);

    await choose(page, 'Dark');
    await expect(shown).toHaveAttribute('data-diagram-theme', 'dark');
    await expect(shown).toHaveAttribute('alt', pattern.diagrams[0]!.description);
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.currentSrc)).toMatch(/-dark\.svg$/);
    expect(await token.evaluate((s) => getComputedStyle(s).color)).not.toBe(lightToken);
  });
});

test('"System" follows the emulated colour scheme live; a chosen theme does not', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/components/');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme-choice', 'system');

  await choose(page, 'Light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false, colorScheme: 'dark' });

  test('the toggle hides and the site follows the system setting', async ({ page, browser }) => {
    await page.goto('/about/');
    await expect(page.locator('[data-theme-toggle]')).toBeHidden();
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    const light = await browser.newContext({ javaScriptEnabled: false, colorScheme: 'light' });
    const lightPage = await light.newPage();
    await lightPage.goto('/about/');
    expect(await background(page)).not.toBe(await background(lightPage));
    await light.close();
  });
});
