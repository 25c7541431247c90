import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalog } from './content/load';
import { fixturePaths } from './content/test-helpers';
import { diagramThumbnail } from './thumbnails';

const catalog = loadCatalog(fixturePaths, { requireDiagrams: false });

test('a pattern’s thumbnail is its first diagram, one file per theme', () => {
  const alpha = catalog.patterns.find((p) => p.slug === 'alpha-pattern')!;
  const hash = alpha.diagrams[0]!.hash;
  assert.deepEqual(diagramThumbnail(alpha), { light: `/diagrams/${hash}-light.svg`, dark: `/diagrams/${hash}-dark.svg` });
});

test('a pattern without a diagram has no thumbnail', () => {
  const alpha = catalog.patterns.find((p) => p.slug === 'alpha-pattern')!;
  assert.equal(diagramThumbnail({ ...alpha, diagrams: [] }), undefined);
});
