// Renders every mermaid diagram in content/ to SVG, light and dark, in one browser
// session. SVGs are cached in public/diagrams/ by a hash of the diagram text and
// committed, so a build needs a browser only when a diagram's text has changed.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPaths } from '../lib/content/load';
import { loadCatalogOrExit } from './report-content-errors';
import { DIAGRAM_THEMES, type Diagram, diagramFile, type DiagramTheme } from '../lib/content/diagrams';
import { chromiumPath } from './chromium-path';
import { getAsBuiltDiagram } from '../lib/content';
import { tidySvg } from './tidy-svg';

const paths = defaultPaths();
const { patterns } = loadCatalogOrExit(paths, { requireDiagrams: false });
const wanted = new Map<string, Diagram>();
for (const p of patterns) for (const d of p.diagrams) wanted.set(d.hash, d);
// The "as built" diagrams come from the synthesized templates, so synth must have run.
for (const p of patterns) {
  try {
    const d = getAsBuiltDiagram(p);
    wanted.set(d.hash, { hash: d.hash, title: d.title, description: d.description, code: d.code });
  } catch (error) {
    console.error(`Diagrams: no synthesized template for ${p.slug} (${(error as Error).message.split('\n')[0]}). Run "npm run synth" first.`);
    process.exit(1);
  }
}

mkdirSync(paths.diagrams, { recursive: true });
const keep = new Set([...wanted.keys()].flatMap((h) => DIAGRAM_THEMES.map((t) => diagramFile(h, t))));
for (const f of readdirSync(paths.diagrams)) {
  if (f.endsWith('.svg') && !keep.has(f)) rmSync(join(paths.diagrams, f));
}

const missing = [...wanted.values()].filter((d) => DIAGRAM_THEMES.some((t) => !existsSync(join(paths.diagrams, diagramFile(d.hash, t)))));
if (missing.length === 0) {
  console.log(`Diagrams: all ${wanted.size} up to date in public/diagrams/.`);
  process.exit(0);
}

const executablePath = chromiumPath();
if (!executablePath) {
  console.error(
    `Diagrams: ${missing.length} diagram(s) changed and need rendering, but no Chromium was found.\n` +
      'Install one (apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium binary, then run "npm run diagrams".',
  );
  process.exit(1);
}

const { createMermaidRenderer } = await import('mermaid-isomorphic');
const render = createMermaidRenderer({ launchOptions: { executablePath, args: ['--no-sandbox', '--disable-gpu'] } });
const started = Date.now();
const theme: Record<DiagramTheme, 'default' | 'dark'> = { light: 'default', dark: 'dark' };
let failed = 0;
// Both themes are requested at once so the renderer keeps one browser open for all of
// them; it closes the browser whenever nothing is rendering.
const batches = await Promise.all(
  DIAGRAM_THEMES.map((t) =>
    render(
      missing.map((d) => d.code),
      { prefix: `arch-${t}`, mermaidConfig: { theme: theme[t], flowchart: { htmlLabels: false } } },
    ),
  ),
);
DIAGRAM_THEMES.forEach((t, ti) =>
  batches[ti]!.forEach((r, i) => {
    const d = missing[i]!;
    if (r.status === 'rejected') {
      failed++;
      const owner = patterns.find((p) => p.diagrams.includes(d));
      console.error(`✖ ${owner?.file ?? d.hash}: diagram "${d.title}" (${t}) does not render: ${String(r.reason)}`);
      return;
    }
    writeFileSync(join(paths.diagrams, diagramFile(d.hash, t)), tidySvg(r.value.svg, t));
  }),
);
if (failed) process.exit(1);
console.log(`Diagrams: rendered ${missing.length} diagram(s) × ${DIAGRAM_THEMES.length} themes in ${Date.now() - started} ms.`);
