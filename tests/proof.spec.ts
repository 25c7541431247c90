import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { catalog, synthOutput } from './catalog';

const cdkLib = JSON.parse(readFileSync('node_modules/aws-cdk-lib/package.json', 'utf8')).version as string;
const reviewed = (slug: string) => synthOutput(slug).findings.filter((f) => f.pack === 'AwsSolutions' || f.pack === 'Serverless');

for (const pattern of catalog.patterns) {
  test(`${pattern.slug}: diagrams, automated review and verification line`, async ({ page }) => {
    await page.goto(`/patterns/${pattern.slug}/`);
    await expect(page.locator('[data-verified]')).toContainText(`Verified with aws-cdk-lib ${cdkLib} on 20`);
    if (pattern.languages.includes('python')) await expect(page.locator('[data-verified]')).toContainText('the TypeScript and Python apps synthesized to the same architecture');

    const authored = page.locator(`[data-diagram="${pattern.diagrams[0]!.hash}"] img`);
    await authored.scrollIntoViewIfNeeded();
    await expect.poll(() => authored.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    const asBuilt = page.locator('[data-as-built]');
    await asBuilt.locator('summary').click();
    const generated = asBuilt.locator('img');
    await expect(generated).toBeVisible();
    await expect.poll(() => generated.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await expect(generated).toHaveAttribute('alt', /Generated from the synthesized template/);

    const findings = reviewed(pattern.slug);
    const suppressedRules = new Set(findings.filter((f) => f.level === 'suppressed').map((f) => f.rule));
    const errors = findings.filter((f) => f.level === 'error').length;
    await expect(page.locator('#review [data-review-summary]')).toHaveText(new RegExp(`^${errors} errors? · .*${suppressedRules.size} suppressed$`));
    await expect(page.locator('#review [data-finding]')).toHaveCount(suppressedRules.size);
    for (const rule of [...suppressedRules].slice(0, 3)) {
      const reason = findings.find((f) => f.rule === rule)!.message;
      await expect(page.locator(`#review [data-finding="${rule}"]`).first()).toContainText(reason);
    }
  });
}

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
