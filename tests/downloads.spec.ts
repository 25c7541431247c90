import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { catalog } from './catalog';

const bilingual = catalog.patterns.find((p) => p.pythonFiles.length > 0)!;
type CatalogJson = { patterns: { slug: string; downloads: Record<string, { path: string; sha256: string; bytes: number }> }[] };

test('"Start from this pattern" gives the CLI command and the download for each language', async ({ page, request }) => {
  const site = (await (await request.get('/catalog.json')).json()) as CatalogJson;
  const entry = site.patterns.find((p) => p.slug === bilingual.slug)!;
  await page.goto(`/patterns/${bilingual.slug}/#source`);

  const ts = page.locator('#start-commands');
  await expect(ts).toContainText(`npx serverless-cdk-patterns-cli init ${bilingual.slug}`);
  await expect(ts).toContainText('npm ci');
  await expect(ts).not.toContainText('degit');
  const tsLink = page.getByRole('link', { name: `Download ${bilingual.slug}-typescript.zip` });
  await expect(tsLink).toHaveAttribute('href', `/${entry.downloads.typescript!.path}`);

  await page.getByRole('tab', { name: 'Python' }).click();
  const py = page.locator('#start-commands-python');
  await expect(py).toContainText(`npx serverless-cdk-patterns-cli init ${bilingual.slug} --lang python`);
  await expect(py).toContainText('pip install -r requirements-dev.txt');
  await expect(py).toContainText(/npx aws-cdk@\d+\.\d+\.\d+ synth/);
  const pyLink = page.getByRole('link', { name: `Download ${bilingual.slug}-python.zip` });
  await expect(pyLink).toBeVisible();

  // The link serves exactly the bytes the catalog (and with it the CLI) expects.
  const zip = await (await request.get((await pyLink.getAttribute('href'))!)).body();
  expect(zip.byteLength).toBe(entry.downloads.python!.bytes);
  expect(createHash('sha256').update(zip).digest('hex')).toBe(entry.downloads.python!.sha256);
});

test('the catalog lists every pattern with a download per language it has', async ({ request }) => {
  const site = (await (await request.get('/catalog.json')).json()) as CatalogJson;
  expect(site.patterns.map((p) => p.slug).sort()).toEqual(catalog.patterns.map((p) => p.slug).sort());
  for (const p of catalog.patterns) {
    const entry = site.patterns.find((e) => e.slug === p.slug)!;
    expect(Object.keys(entry.downloads).sort(), p.slug).toEqual(p.pythonFiles.length ? ['python', 'typescript'] : ['typescript']);
  }
});
