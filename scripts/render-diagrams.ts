// Renders every mermaid diagram in content/ to SVG, light and dark, in one browser session, each
// node drawn with its AWS icon. SVGs are cached in public/diagrams/ by a hash of the diagram text
// and committed with icons.json, the icons each was drawn with, so a build needs a browser only
// when a diagram's text or the icons its template gives it have changed.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPaths } from '../lib/content/load';
import { loadCatalogOrExit } from './report-content-errors';
import { DIAGRAM_THEMES, diagramFile, type DiagramTheme } from '../lib/content/diagrams';
import { chromiumPath } from './chromium-path';
import { ContentError, getFullSynthOutput } from '../lib/content';
import { awsIconVersion, readAwsIcon, tileBody } from '../lib/content/aws-icons';
import { ICON_MANIFEST, readIconManifest, writeIconManifest } from '../lib/content/icon-manifest';
import { type IconPlan, iconManifest, patternIconPlans, staleReason } from '../lib/proof/diagram-icons';
import { ICON_PACK, iconName } from '../lib/proof/mermaid-icons';
import { tidySvg } from './tidy-svg';

const paths = defaultPaths();
const { patterns, registry } = loadCatalogOrExit(paths, { requireDiagrams: false });
const wanted = new Map<string, IconPlan & { owner: string }>();
const errors: ContentError[] = [];
for (const p of patterns) {
  let found: ReturnType<typeof patternIconPlans>;
  try {
    // The icons and the "as built" diagram come from the synthesized templates, so synth must have run.
    found = patternIconPlans(p, getFullSynthOutput(p.slug), registry.components);
  } catch (error) {
    console.error(`Diagrams: no synthesized template for ${p.slug} (${(error as Error).message.split('\n')[0]}). Run "npm run synth" first.`);
    process.exit(1);
  }
  if (found.problems.length) errors.push(new ContentError(p.file, found.problems));
  for (const plan of found.plans) wanted.set(plan.hash, { ...plan, owner: p.file });
}
if (errors.length) {
  console.error(`\n✖ Diagram nodes without an icon (${errors.length} pattern(s)):\n\n${errors.map((e) => e.message).join('\n\n')}\n`);
  process.exit(1);
}

mkdirSync(paths.diagrams, { recursive: true });
const keep = new Set([...wanted.keys()].flatMap((h) => DIAGRAM_THEMES.map((t) => diagramFile(h, t))));
for (const f of readdirSync(paths.diagrams)) {
  if (f.endsWith('.svg') && !keep.has(f)) rmSync(join(paths.diagrams, f));
}

const version = awsIconVersion();
const manifest = readIconManifest(paths.diagrams);
const missing = [...wanted.values()].filter(
  (d) => DIAGRAM_THEMES.some((t) => !existsSync(join(paths.diagrams, diagramFile(d.hash, t)))) || staleReason(d, manifest, version),
);
const fresh = iconManifest([...wanted.values()], version);
if (missing.length === 0) {
  writeIconManifest(paths.diagrams, fresh);
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

// One icon pack of the tiles these diagrams use, in Iconify's format, registered in the page.
const refs = [...new Set(missing.flatMap((d) => Object.values(d.icons)))];
const icons = Object.fromEntries(refs.map((ref) => [iconName(ref), { body: tileBody(readAwsIcon(ref)) }]));
const iconPacks = [{ name: ICON_PACK, icons: { prefix: ICON_PACK, width: 64, height: 64, icons } }];

const { createMermaidRenderer } = await import('mermaid-isomorphic');
const render = createMermaidRenderer({ launchOptions: { executablePath, args: ['--no-sandbox', '--disable-gpu'] } });
const started = Date.now();
const theme: Record<DiagramTheme, 'default' | 'dark'> = { light: 'default', dark: 'dark' };
// Labels sit under their icon; a backdrop of the page colour keeps them readable where an edge passes.
const labelBackdrop: Record<DiagramTheme, string> = { light: 'rgba(255,255,255,0.85)', dark: 'rgba(2,6,23,0.85)' };
let failed = 0;
// Both themes are requested at once so the renderer keeps one browser open for all of
// them; it closes the browser whenever nothing is rendering.
const batches = await Promise.all(
  DIAGRAM_THEMES.map((t) =>
    render(
      missing.map((d) => d.code),
      {
        prefix: `arch-${t}`,
        iconPacks,
        mermaidConfig: {
          theme: theme[t],
          flowchart: { htmlLabels: false },
          themeCSS: `.icon-shape p, .icon-shape .labelBkg { background-color: ${labelBackdrop[t]}; }`,
        },
      },
    ),
  ),
);
DIAGRAM_THEMES.forEach((t, ti) =>
  batches[ti]!.forEach((r, i) => {
    const d = missing[i]!;
    if (r.status === 'rejected') {
      failed++;
      console.error(`✖ ${d.owner}: diagram "${d.title}" (${t}) does not render: ${String(r.reason)}`);
      return;
    }
    writeFileSync(join(paths.diagrams, diagramFile(d.hash, t)), tidySvg(r.value.svg, t));
  }),
);
if (failed) process.exit(1);
writeIconManifest(paths.diagrams, fresh);
console.log(`Diagrams: rendered ${missing.length} diagram(s) × ${DIAGRAM_THEMES.length} themes in ${Date.now() - started} ms; icons recorded in public/diagrams/${ICON_MANIFEST}.`);
