import { expect, test } from '@playwright/test';
import { catalog } from './catalog';
import { reviewed } from './pattern-checks/review';

test('every card on the A–Z list carries its review summary', async ({ page }) => {
  await page.goto('/patterns/');
  for (const pattern of catalog.patterns) {
    const n = new Set(reviewed(pattern.slug).filter((f) => f.level === 'suppressed').map((f) => f.rule)).size;
    await expect(page.locator(`[data-pattern="${pattern.slug}"] [data-review-summary]`)).toHaveText(new RegExp(`· ${n} suppressed$`));
  }
});

test('the coverage matrix marks exactly the practices no pattern demonstrates', async ({ page }) => {
  await page.goto('/well-architected/');
  await page.getByRole('link', { name: /coverage matrix/ }).click();
  await expect(page).toHaveURL(/\/well-architected\/coverage\/$/);
  const mapped = new Set(catalog.patterns.flatMap((p) => p.wellArchitected.flatMap((e) => ('practice' in e ? [e.practice] : []))));
  const practices = catalog.lens.pillars.flatMap((p) => p.questions.flatMap((q) => q.practices.map((pr) => pr.id)));
  const gaps = practices.filter((id) => !mapped.has(id)).sort();
  const shown = (await page.locator('tr[data-gap]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')))).sort();
  expect(shown).toEqual(gaps);
  for (const pattern of catalog.patterns.slice(0, 5)) {
    for (const e of pattern.wellArchitected) {
      if ('practice' in e) await expect(page.locator(`tr[data-row="${e.practice}"] td[data-cell="${pattern.slug}"]`)).toContainText('●');
    }
  }
});
