import { expect, test } from '@playwright/test';
import { catalog } from './catalog';

// The whole walk for one entry of each kind on the A–Z page (a pattern under its letter, an anti-pattern in
// its own section) and the last one: that every pattern page is linked, shows its component chips and is
// listed by each component's page is checked for every pattern by crawl.spec, pattern-page.spec and below.
const walked = [
  catalog.patterns.find((p) => p.kind === 'pattern')!,
  catalog.patterns.find((p) => p.kind === 'anti-pattern')!,
  catalog.patterns.at(-1)!,
].filter((p, i, all) => all.indexOf(p) === i);

for (const pattern of walked) {
  test(`home → A–Z → ${pattern.slug} → component chip → component page lists it`, async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Browse all patterns A–Z →' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('All patterns A–Z');

    // Anti-patterns are filed in their own section after the letters.
    const section = page.locator(pattern.kind === 'anti-pattern' ? '#anti-patterns' : `section[data-letter="${pattern.letter}"]`);
    await section.locator(`[data-pattern="${pattern.slug}"] h3`).getByRole('link', { name: pattern.title, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/patterns/${pattern.slug}/$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(pattern.title);

    const firstComponent = catalog.registry.components.find((c) => c.id === pattern.components[0])!;
    await page.locator('header').getByRole('link', { name: firstComponent.name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/components/${firstComponent.id}/$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(firstComponent.name);
    await expect(page.locator(`[data-pattern="${pattern.slug}"]`)).toBeVisible();
  });
}

test('the A–Z list has a heading for every letter and files each pattern (not anti-pattern) under its letter', async ({ page }) => {
  await page.goto('/patterns/');
  const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  for (const letter of letters) {
    const section = page.locator(`section[data-letter="${letter}"]`);
    await expect(section.getByRole('heading', { level: 2 })).toHaveText(letter);
    const expected = catalog.patterns.filter((p) => p.letter === letter && p.kind !== 'anti-pattern').map((p) => p.slug).sort();
    const shown = (await section.locator('[data-pattern]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pattern')))).sort();
    expect(shown, `patterns under ${letter}`).toEqual(expected);
    if (expected.length === 0) await expect(section).toContainText(`No patterns under ${letter} yet.`);
  }
});

test('the letter bar jumps to letters that have patterns', async ({ page }) => {
  await page.goto('/patterns/');
  const letter = catalog.patterns[0]!.letter;
  await page.getByRole('navigation', { name: 'Jump to letter' }).getByRole('link', { name: letter, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`#letter-${letter}$`));
  await expect(page.locator(`#letter-${letter}`)).toBeInViewport();
});

for (const component of catalog.registry.components) {
  test(`the ${component.id} component page lists exactly the patterns that use it`, async ({ page }) => {
    await page.goto(`/components/${component.id}/`);
    const expected = catalog.patterns.filter((p) => p.components.includes(component.id)).map((p) => p.slug).sort();
    const shown = (await page.locator('[data-pattern]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pattern')))).sort();
    expect(shown).toEqual(expected);
  });
}
