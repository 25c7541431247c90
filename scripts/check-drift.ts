// Fails the build when a page and its code disagree: diagram nodes without resources,
// architectural resources without nodes, components without evidence, types without components.
import { ContentError } from '../lib/content/errors';
import { defaultPaths } from '../lib/content/load';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getFullSynthOutput, getSourceFile, getSynthOutputs } from '../lib/content';
import { DIAGRAM_THEMES, diagramFile } from '../lib/content/diagrams';
import { awsIconVersion } from '../lib/content/aws-icons';
import { readIconManifest } from '../lib/content/icon-manifest';
import { patternIconPlans, staleReason } from '../lib/proof/diagram-icons';
import { checkPattern } from '../lib/proof/check-pattern';
import { loadCatalogOrExit } from './report-content-errors';

const paths = defaultPaths();
const catalog = loadCatalogOrExit(paths, { requireDiagrams: false });
const errors: ContentError[] = [];
const manifest = readIconManifest(paths.diagrams);
const iconsVersion = awsIconVersion();
for (const pattern of catalog.patterns) {
  const packageJsons = pattern.sourceFiles.filter((f) => /(^|\/)package\.json$/.test(f)).map((f) => getSourceFile(pattern.slug, f));
  // Both languages are held to the same page: the diagram and components describe each app.
  const problems = getSynthOutputs(pattern.slug).flatMap(({ language, output }) =>
    checkPattern(catalog, pattern, output, packageJsons).map((p) => ({ ...p, field: `${language}: ${p.field}` })),
  );
  // Icons follow the template: a committed SVG drawn with other icons is stale. A diagram not
  // rendered yet is left to "npm run diagrams", which the build runs next.
  const icons = patternIconPlans(pattern, getFullSynthOutput(pattern.slug), catalog.registry.components);
  problems.push(...icons.problems);
  for (const plan of icons.plans) {
    if (DIAGRAM_THEMES.some((t) => !existsSync(join(paths.diagrams, diagramFile(plan.hash, t))))) continue;
    const stale = staleReason(plan, manifest, iconsVersion);
    if (stale) problems.push({ field: `diagram "${plan.title}" (public/diagrams/${plan.hash}-*.svg)`, expected: `a render with the icons its template gives it; ${stale}: run "npm run diagrams" and commit public/diagrams/` });
  }
  if (problems.length) errors.push(new ContentError(pattern.file, problems));
}
if (errors.length) {
  console.error(`\n✖ The pages and their code disagree (${errors.length} pattern(s)):\n\n${errors.map((e) => e.message).join('\n\n')}\n`);
  process.exit(1);
}
console.log(`Drift: ${catalog.patterns.length} pattern(s): every diagram node and component is backed by the synthesized templates, and every rendered diagram shows the icons they give it.`);
