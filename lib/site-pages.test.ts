import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalog } from './content/load';
import { fixturePaths } from './content/test-helpers';
import { latest, sitePages } from './site-pages';

const catalog = loadCatalog(fixturePaths, { requireDiagrams: false });
const dates: Record<string, string> = { 'alpha-pattern': '2026-02-01T10:00:00+02:00', 'the-beta': '2026-02-01T09:30:00Z' };

test('latest compares instants, not strings, and returns the date as written', () => {
  assert.equal(latest(['2026-02-01T10:00:00+02:00', '2026-02-01T09:30:00Z']), '2026-02-01T09:30:00Z');
  assert.equal(latest(['2026-01-01', '2026-03-01T00:00:00Z']), '2026-03-01T00:00:00Z');
  assert.equal(latest([]), undefined);
});

test('lists every page once: listings, patterns, components and creators', () => {
  const pages = sitePages(catalog, (p) => dates[p.slug]!);
  const paths = pages.map((p) => p.path);
  assert.equal(new Set(paths).size, paths.length);
  for (const path of ['/', '/patterns/', '/components/', '/well-architected/', '/well-architected/coverage/', '/creators/', '/about/']) assert.ok(paths.includes(path), path);
  assert.ok(paths.includes('/patterns/alpha-pattern/') && paths.includes('/patterns/the-beta/'));
  for (const c of catalog.registry.components) assert.ok(paths.includes(`/components/${c.id}/`), c.id);
  assert.ok(paths.includes('/creators/ada-example/') && paths.includes('/creators/ben-example/'));
});

test('dates each page by the patterns it shows', () => {
  const pages = new Map(sitePages(catalog, (p) => dates[p.slug]!).map((p) => [p.path, p.lastModified]));
  assert.equal(pages.get('/patterns/alpha-pattern/'), dates['alpha-pattern']);
  assert.equal(pages.get('/creators/ada-example/'), dates['alpha-pattern']);
  assert.equal(pages.get('/'), dates['the-beta']);
  // dynamodb is used by the-beta alone; a component no pattern uses takes the newest date.
  assert.equal(pages.get('/components/dynamodb/'), dates['the-beta']);
  const unused = catalog.registry.components.find((c) => !catalog.patterns.some((p) => p.components.includes(c.id)));
  if (unused) assert.equal(pages.get(`/components/${unused.id}/`), dates['the-beta']);
});
