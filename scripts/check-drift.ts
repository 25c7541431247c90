// Fails the build when a page and its code disagree: diagram nodes without resources,
// architectural resources without nodes, components without evidence, types without components.
import { ContentError } from '../lib/content/errors';
import { defaultPaths } from '../lib/content/load';
import { getSourceFile, getSynthOutputs } from '../lib/content';
import { checkPattern } from '../lib/proof/check-pattern';
import { loadCatalogOrExit } from './report-content-errors';

const catalog = loadCatalogOrExit(defaultPaths(), { requireDiagrams: false });
const errors: ContentError[] = [];
for (const pattern of catalog.patterns) {
  const packageJsons = pattern.sourceFiles.filter((f) => /(^|\/)package\.json$/.test(f)).map((f) => getSourceFile(pattern.slug, f));
  // Both languages are held to the same page: the diagram and components describe each app.
  const problems = getSynthOutputs(pattern.slug).flatMap(({ language, output }) =>
    checkPattern(catalog, pattern, output, packageJsons).map((p) => ({ ...p, field: `${language}: ${p.field}` })),
  );
  if (problems.length) errors.push(new ContentError(pattern.file, problems));
}
if (errors.length) {
  console.error(`\n✖ The pages and their code disagree (${errors.length} pattern(s)):\n\n${errors.map((e) => e.message).join('\n\n')}\n`);
  process.exit(1);
}
console.log(`Drift: ${catalog.patterns.length} pattern(s): every diagram node and component is backed by the synthesized templates.`);
