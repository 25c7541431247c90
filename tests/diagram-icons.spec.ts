// Every diagram a pattern page shows, authored and as built, is drawn with one AWS icon per node in
// both theme files; every component's icon is served. The SVGs are parsed in Chromium.
import { type Page, expect, test } from '@playwright/test';
import { asBuiltDiagram } from '../lib/proof/as-built';
import { diagramNodes } from '../lib/proof/mermaid-nodes';
import { componentIconSrc } from '../lib/content/icons';
import { catalog, synthOutput } from './catalog';

type Count = { nodes: number; withIcon: number; iconsPerNode: number[] };

/** Nodes are Mermaid's node groups; an icon is an <svg> drawn inside one, with at least one shape. */
async function countIcons(page: Page, svg: string): Promise<Count> {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const nodes = [...doc.querySelectorAll('g.nodes g.icon-shape, g.nodes g.node')];
    const iconsPerNode = nodes.map((n) => [...n.querySelectorAll('svg')].filter((s) => s.querySelector('path, rect, circle, polygon')).length);
    return { nodes: nodes.length, withIcon: iconsPerNode.filter((c) => c === 1).length, iconsPerNode };
  }, svg);
}

for (const pattern of catalog.patterns) {
  test(`every diagram on ${pattern.slug} shows one AWS icon per node, light and dark`, async ({ page }) => {
    const asBuilt = asBuiltDiagram(pattern.title, synthOutput(pattern.slug));
    const expected = new Map<string, number>([
      ...pattern.diagrams.map((d) => [d.hash, diagramNodes(d.code).filter((n) => !n.subgraph).length] as const),
      [asBuilt.hash, asBuilt.graph.nodes.length],
    ]);
    await page.goto(`/patterns/${pattern.slug}/`);
    const refs = await page.locator('img[src*="/diagrams/"], source[srcset*="/diagrams/"]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('src') ?? e.getAttribute('srcset') ?? ''),
    );
    const shown = new Set(refs.flatMap((r) => /\/diagrams\/([0-9a-f]{16})-(light|dark)\.svg/.exec(r)?.[1] ?? []));
    expect([...shown].sort(), 'the page shows each authored diagram and the as-built one').toEqual([...expected.keys()].sort());
    for (const [hash, nodes] of expected) {
      for (const theme of ['light', 'dark']) {
        const response = await page.request.get(`/diagrams/${hash}-${theme}.svg`);
        expect(response.status(), `${hash}-${theme}.svg answers`).toBe(200);
        const count = await countIcons(page, await response.text());
        expect(count.nodes, `${hash}-${theme}.svg draws every node of the diagram`).toBe(nodes);
        expect(count.iconsPerNode, `${hash}-${theme}.svg: one icon in every node`).toEqual(Array(nodes).fill(1));
      }
    }
  });
}

test('every component icon is served as an SVG', async ({ page }) => {
  for (const c of catalog.registry.components) {
    const response = await page.request.get(componentIconSrc(c.id));
    expect(response.status(), `${componentIconSrc(c.id)} answers`).toBe(200);
    expect(response.headers()['content-type'], `${componentIconSrc(c.id)} is an SVG`).toContain('image/svg+xml');
    const shapes = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return doc.documentElement.nodeName === 'svg' ? doc.querySelectorAll('path, rect, circle, ellipse, polygon, polyline, line').length : -1;
    }, await response.text());
    expect(shapes, `${c.id}: a parsable SVG with the icon's shapes`).toBeGreaterThan(1);
  }
});
