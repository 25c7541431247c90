import { readFileSync } from 'node:fs';
import { type Page, expect } from '@playwright/test';
import { type CatalogPattern, rulePack, synthOutput } from '../catalog';

const cdkLib = JSON.parse(readFileSync('node_modules/aws-cdk-lib/package.json', 'utf8')).version as string;

/** cdk-nag findings of the two review packs, as the page and the A–Z cards summarise them. */
export const reviewed = (slug: string) => synthOutput(slug).findings.filter((f) => f.pack === 'AwsSolutions' || f.pack === 'Serverless');

/** The verification line, the authored and as-built diagrams, and the automated review. */
export async function expectDiagramsReviewAndVerification(page: Page, pattern: CatalogPattern): Promise<void> {
  await expect(page.locator('[data-verified]')).toContainText(`Verified with aws-cdk-lib ${cdkLib} on 20`);
  if (pattern.languages.includes('python')) await expect(page.locator('[data-verified]')).toContainText('the TypeScript and Python apps synthesized to the same architecture');

  const authored = page.locator(`[data-diagram="${pattern.diagrams[0]!.hash}"] img:visible`);
  await authored.scrollIntoViewIfNeeded();
  await expect.poll(() => authored.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

  const asBuilt = page.locator('[data-as-built]');
  await asBuilt.locator('summary').click();
  const generated = asBuilt.locator('img:visible');
  await expect(generated).toBeVisible();
  await expect.poll(() => generated.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expect(generated).toHaveAttribute('alt', /Generated from the synthesized template/);

  const findings = reviewed(pattern.slug);
  const suppressedRules = new Set(findings.filter((f) => f.level === 'suppressed').map((f) => f.rule));
  const errors = findings.filter((f) => f.level === 'error').length;
  await expect(page.locator('#review [data-review-summary]')).toHaveText(new RegExp(`^${errors} errors? · .*${suppressedRules.size} suppressed$`));
  await expect(page.locator('#review [data-review-pillar] [data-finding]')).toHaveCount(suppressedRules.size);
  for (const rule of [...suppressedRules].slice(0, 3)) {
    const reason = findings.find((f) => f.rule === rule)!.message;
    await expect(page.locator(`#review [data-review-pillar] [data-finding="${rule}"]`).first()).toContainText(reason);
  }

  // The catalog's own anti-pattern pack: an anti-pattern's "before" is caught, a pattern is clean or says why.
  const pack = rulePack(pattern.slug);
  const expected = pattern.kind === 'anti-pattern' ? 'caught' : pack.acknowledged.length ? 'acknowledged' : 'clean';
  await expect(page.locator(`#review [data-rule-pack] [data-rule-pack-result="${expected}"]`)).toBeVisible();
  const rules = new Set([...pack.caught, ...pack.acknowledged].map((f) => f.rule));
  await expect(page.locator('#review [data-rule-pack] [data-finding]')).toHaveCount(rules.size);
  for (const f of pack.acknowledged) await expect(page.locator(`#review [data-rule-pack] [data-finding="${f.rule}"]`)).toContainText(f.message);
  if (pattern.antiPattern) await expect(page.locator(`#review [data-rule-pack] [data-finding="AntiPattern-${pattern.antiPattern.rule}"]`)).toBeVisible();
}
