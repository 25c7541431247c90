import { expect, test } from '@playwright/test';
import { catalog } from './catalog';

const antiPatterns = catalog.patterns.filter((p) => p.kind === 'anti-pattern');

test('the catalog teaches anti-patterns', () => {
  expect(antiPatterns.length).toBeGreaterThan(0);
});

test('the A–Z page files anti-patterns in their own section, each card marked', async ({ page }) => {
  await page.goto('/patterns/');
  const section = page.locator('#anti-patterns');
  await expect(section.getByRole('heading', { name: 'Anti-patterns', level: 2 })).toBeVisible();
  await expect(section.locator('[data-pattern]')).toHaveCount(antiPatterns.length);
  await expect(section.locator('[data-pattern] [data-kind-badge]')).toHaveCount(antiPatterns.length);
  // The letters hold patterns only, and no pattern card carries the mark.
  await expect(page.locator('[data-letter] [data-kind="anti-pattern"]')).toHaveCount(0);
  await expect(page.locator('[data-letter] [data-kind-badge]')).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Jump to letter' }).getByRole('link', { name: 'Anti-patterns' }).click();
  await expect(page).toHaveURL(/#anti-patterns$/);
});

test('the Kind facet narrows the explorer to anti-patterns, in the URL', async ({ page }) => {
  await page.goto('/patterns/');
  await page.locator('[data-facet="kind"][data-value="anti-pattern"]').check();
  await expect(page).toHaveURL(/[?&]kind=anti-pattern/);
  const results = page.locator('[data-result]');
  await expect(results).toHaveCount(antiPatterns.length);
  await expect(results.locator('[data-kind-badge]')).toHaveCount(antiPatterns.length);
  await page.goto('/patterns/?kind=anti-pattern');
  await expect(page.locator('[data-result]')).toHaveCount(antiPatterns.length);
});

for (const p of antiPatterns) {
  test(`${p.slug}: marked, says which stack is the mistake, and links what to use instead`, async ({ page }) => {
    const ap = p.antiPattern!;
    await page.goto(`/patterns/${p.slug}/`);
    await expect(page.locator('article > header [data-kind-badge]')).toHaveText('Anti-pattern');
    const notice = page.locator('[data-anti-pattern-notice]');
    await expect(notice).toContainText(ap.before);
    await expect(notice).toContainText(ap.after);
    await expect(notice).toContainText(`npx cdk synth -c antiPattern=before ${ap.before}`);
    await expect(notice.getByRole('link', { name: `AntiPattern-${ap.rule}` })).toHaveAttribute('href', '/about/#rule-pack');
    for (const slug of ap.insteadUse) {
      const target = catalog.patterns.find((q) => q.slug === slug)!;
      await expect(notice.getByRole('link', { name: target.title })).toHaveAttribute('href', `/patterns/${slug}/`);
    }
    for (const section of ['What it looks like', 'Why it hurts', 'How to spot it', 'What to do instead', 'The fix, step by step']) {
      await expect(page.locator('.prose h2', { hasText: section })).toHaveCount(1);
    }
    // Deploy facts and the template shown are the fix's alone.
    await expect(page.locator('#template')).toContainText(ap.after);
    await expect(page.locator('#template')).not.toContainText(ap.before);
  });
}

test('the about page documents the rule pack and lists each rule with its page', async ({ page }) => {
  await page.goto('/about/');
  const pack = page.locator('#rule-pack');
  await expect(pack).toHaveText('The anti-pattern rule pack');
  await expect(page.locator('pre', { hasText: 'npm install --save-dev cdk-nag-serverless-anti-patterns' })).toBeVisible();
  await expect(page.locator('pre', { hasText: 'new ServerlessAntiPatternChecks(app)' })).toBeVisible();
  await expect(page.locator('pre', { hasText: 'npx cdk-nag-serverless-anti-patterns cdk.out' })).toBeVisible();
  const list = page.locator('[data-rule-list] li');
  await expect(list).toHaveCount(antiPatterns.length);
  for (const p of antiPatterns) await expect(page.locator('[data-rule-list]').getByRole('link', { name: p.title })).toHaveAttribute('href', `/patterns/${p.slug}/`);
});
