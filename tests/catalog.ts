// What the site should show, read through the same content gateway the build uses,
// so the tests assert against the content rather than hard-coded copies of it.
import { defaultPaths, loadCatalog } from '../lib/content/load';
import { readSynthOutput } from '../lib/content/synth';
import { deployableOutput, rulePackResult } from '../lib/content/anti-patterns';

const paths = defaultPaths();
export const catalog = loadCatalog(paths);
const patternOf = (slug: string) => catalog.patterns.find((p) => p.slug === slug)!;
/** The stacks a reader deploys, as the page shows them (an anti-pattern's "before" left out). */
export const synthOutput = (slug: string) => deployableOutput(patternOf(slug), readSynthOutput(paths, slug));
export const rulePack = (slug: string) => rulePackResult(patternOf(slug), readSynthOutput(paths, slug));
export type CatalogPattern = (typeof catalog.patterns)[number];
