import { expect, test } from '@playwright/test';
import { lensAnchor } from '../lib/indexes';
import { catalog } from './catalog';

test('each mapped pattern appears under its practice or question, with its reason', async ({ page }) => {
  await page.goto('/well-architected/');
  for (const pattern of catalog.patterns) {
    for (const entry of pattern.wellArchitected) {
      const id = 'practice' in entry ? entry.practice : entry.question;
      const item = page.locator(`[id="${lensAnchor(id)}"] [data-mapped-pattern="${pattern.slug}"]`).first();
      await expect(item, `${pattern.slug} under ${id}`).toBeVisible();
      await expect(item).toContainText(entry.reason);
    }
  }
});

test('practices no pattern demonstrates are marked as such', async ({ page }) => {
  await page.goto('/well-architected/');
  const mapped = new Set(catalog.patterns.flatMap((p) => p.wellArchitected.flatMap((e) => ('practice' in e ? [e.practice] : []))));
  const all = catalog.lens.pillars.flatMap((p) => p.questions.flatMap((q) => q.practices.map((pr) => pr.id)));
  for (const id of all) {
    const marker = page.locator(`[data-practice="${id}"] [data-no-pattern]`);
    await expect(marker, id).toHaveCount(mapped.has(id) ? 0 : 1);
  }
});

test('a pattern page links its mapping to the practice on the lens page', async ({ page }) => {
  const pattern = catalog.patterns.find((p) => p.wellArchitected.some((e) => 'practice' in e))!;
  const entry = pattern.wellArchitected.find((e) => 'practice' in e)!;
  const practice = 'practice' in entry ? entry.practice : '';
  await page.goto(`/patterns/${pattern.slug}/`);
  await page.locator(`#mapping [data-wa="${practice}"]`).getByRole('link', { name: new RegExp(`^${practice.replace('.', '\\.')} `) }).click();
  await expect(page).toHaveURL(new RegExp(`/well-architected/#${lensAnchor(practice)}$`));
  await expect(page.locator(`[data-practice="${practice}"] [data-mapped-pattern="${pattern.slug}"]`)).toBeVisible();
});
