import { type Page, expect } from '@playwright/test';
import { languageAnchor } from '../../lib/content/patterns';
import { deployFacts } from '../../lib/proof/deploy-facts';
import { type CatalogPattern, synthOutput } from '../catalog';

/** Guarantees link to the tests that prove them; Before you deploy and Clean up follow the template. */
export async function expectGuaranteesAndDeployFacts(page: Page, pattern: CatalogPattern): Promise<void> {
  const facts = deployFacts(synthOutput(pattern.slug).stacks);

  const guarantees = page.locator('#guarantees [data-guarantee]');
  await expect(guarantees).toHaveCount(pattern.guarantees.length);
  for (const [i, g] of pattern.guarantees.entries()) {
    await expect(guarantees.nth(i)).toContainText(g.claim);
    const first = g.tests[0]!;
    await expect(guarantees.nth(i).getByRole('link', { name: first.file }).first()).toBeVisible();
    for (const t of g.tests) {
      const [language, ...rest] = t.file.split('/');
      const anchor = languageAnchor(language!, rest.join('/'));
      await expect(guarantees.nth(i).locator(`a[href="#${anchor}"]`).first()).toBeVisible();
      await expect(page.locator(`[id="${anchor}"]`)).toHaveCount(1);
    }
  }

  const before = page.locator('#before-you-deploy');
  await expect(before.locator('[data-quota]')).toHaveCount(facts.quotas.length);
  for (const [i, q] of facts.quotas.entries()) await expect(before.locator('[data-quota]').nth(i)).toContainText(q.note ?? q.quota);
  await expect(before.locator('[data-idle]')).toHaveCount(facts.idle.length);
  await expect(before.locator('[data-docker]')).toHaveAttribute('data-docker', String(facts.needsDocker));
  await expect(before.locator('[data-alarms]')).toHaveAttribute('data-alarms', String(facts.alarms));
  await expect(before.locator('[data-regions]')).toHaveCount(1);
  await expect(before.locator('[data-apigw-logs-role]')).toHaveCount(facts.needsApiGatewayLogsRole ? 1 : 0);

  const cleanUp = page.locator('#clean-up');
  await expect(cleanUp.locator('pre')).toContainText(`npx cdk destroy ${facts.stacks.length > 1 ? '--all' : facts.stacks[0]}`);
  await expect(cleanUp.locator('[data-leftovers]')).toHaveAttribute('data-leftovers', String(facts.leftovers.length));
}
