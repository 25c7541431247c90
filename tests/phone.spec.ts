import { type Locator, type Page, expect, test } from '@playwright/test';
import { catalog } from './catalog';

const pattern = catalog.patterns.find((p) => p.kind === 'pattern')!;
const antiPattern = catalog.patterns.find((p) => p.kind === 'anti-pattern')!;
const component = pattern.components[0]!;

/** One page of each type a reader can land on. */
const pageTypes = [
  '/',
  '/patterns/',
  '/patterns/?q=queue',
  `/patterns/${pattern.slug}/`,
  `/patterns/${antiPattern.slug}/`,
  '/components/',
  `/components/${component}/`,
  '/well-architected/',
  '/well-architected/coverage/',
  '/about/',
  '/no-such-page/',
];

/** What pokes out past the viewport's right edge, named so a failure says where to look. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const culprits = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 && el.checkVisibility())
      // Only the outermost offender that no scroll box of its own contains.
      .filter((el, _, all) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (all.includes(a) || getComputedStyle(a).overflowX !== 'visible') return false;
        }
        return true;
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].slice(0, 4).join('.')} (${Math.round(el.getBoundingClientRect().right)}px)`);
    return { scrollWidth: root.scrollWidth, clientWidth: width, culprits };
  });
}

const box = (l: Locator) => l.evaluateAll((els) => els.map((e) => ({ what: e.outerHTML.slice(0, 80), ...e.getBoundingClientRect().toJSON() })));
async function expectTouchTargets(targets: Locator, min = 44) {
  await expect(targets.first()).toBeVisible();
  const boxes = await box(targets);
  const small = boxes.filter((b) => b.width < min - 0.5 || b.height < min - 0.5).map((b) => `${b.what} (${b.width}×${b.height})`);
  expect(small).toEqual([]);
}

test.describe('at 360 × 740', () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  // One page of each type: all pattern pages share one layout, so one pattern and one anti-pattern page
  // stand for the 60 (each visit opens every disclosure, which made the full loop the slowest spec in CI).
  for (const path of pageTypes) {
    test(`${path} does not scroll sideways`, async ({ page }) => {
      await page.goto(path);
      await page.locator('details').evaluateAll((els) => els.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const { scrollWidth, clientWidth, culprits } = await overflow(page);
      expect(scrollWidth, culprits.join('\n')).toBeLessThanOrEqual(clientWidth);
    });
  }

  test('the header is one line: the site name and a Menu button that opens the nav, search and theme', async ({ page }) => {
    await page.goto(`/patterns/${pattern.slug}/`);
    const header = page.locator('body > header');
    const menu = header.getByRole('button', { name: 'Menu' });
    const home = header.getByRole('link', { name: 'Serverless CDK Patterns' });
    const [h, m, name] = await Promise.all([header, menu, home].map((l) => l.boundingBox()));
    expect(h!.height).toBeLessThanOrEqual(60);
    expect(Math.abs(m!.y + m!.height / 2 - (name!.y + name!.height / 2))).toBeLessThan(2);

    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();
    await expect(menu).toHaveAttribute('aria-controls', 'site-menu');
    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await expect(nav.getByRole('link')).toHaveCount(4);
    await expect(nav).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Search patterns' })).toBeVisible();
    await expect(page.getByRole('group', { name: 'Theme' })).toBeVisible();
    await expectTouchTargets(page.locator('#site-menu nav a, #site-menu [data-theme-toggle] label, #site-search'));
    await expectTouchTargets(header.locator('> div > a, > div > button'));

    // Escape closes it and gives focus back to the button.
    await nav.getByRole('link').first().focus();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();
    await expect(menu).toBeFocused();

    // Following a link leaves the menu closed on the next page.
    await menu.click();
    await nav.getByRole('link', { name: 'Components' }).click();
    await expect(page).toHaveURL(/\/components\/$/);
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();
  });

  test('search works from the menu', async ({ page }) => {
    await page.goto('/about/');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('combobox', { name: 'Search patterns' }).fill('queue');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/patterns\/\?q=queue$/);
  });

  test('the / shortcut opens the menu and puts the cursor in the search box', async ({ page }) => {
    await page.goto('/components/');
    const search = page.getByRole('combobox', { name: 'Search patterns' });
    await expect(search).toBeHidden();
    await expect(page.locator('[data-island="header-menu"]')).toHaveAttribute('data-hydrated', '');
    await page.keyboard.press('/');
    await expect(page.getByRole('button', { name: 'Menu' })).toHaveAttribute('aria-expanded', 'true');
    await expect(search).toBeFocused();
  });

  test('language tabs, copy buttons and filter controls are at least 44 px', async ({ page }) => {
    const both = catalog.patterns.find((p) => p.languages.includes('python'))!;
    await page.goto(`/patterns/${both.slug}/`);
    await expectTouchTargets(page.getByRole('tab'));
    await expectTouchTargets(page.locator('#source button:visible'));
    await page.goto('/patterns/');
    await expectTouchTargets(page.locator('aside[aria-label="Filters"] li:has([data-facet]) label:visible, aside[aria-label="Filters"] summary'));
    await page.locator('[data-facet="kind"]').first().check();
    await page.locator('[data-facet="language"]').first().check();
    await expectTouchTargets(page.getByRole('list', { name: 'Active filters' }).getByRole('button'));
  });

  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });

    test('the nav, search and every link show without a Menu button', async ({ page }) => {
      await page.goto('/about/');
      await expect(page.getByRole('button', { name: 'Menu' })).toBeHidden();
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveCount(4);
      for (const link of await page.getByRole('navigation', { name: 'Main' }).getByRole('link').all()) await expect(link).toBeVisible();
      await expect(page.getByRole('combobox', { name: 'Search patterns' })).toBeVisible();
      const { scrollWidth, clientWidth } = await overflow(page);
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    });
  });
});
