// What the site should show, read through the same content gateway the build uses,
// so the tests assert against the content rather than hard-coded copies of it.
import { defaultPaths, loadCatalog } from '../lib/content/load';
import { readSynthOutput } from '../lib/content/synth';

const paths = defaultPaths();
export const catalog = loadCatalog(paths);
export const synthOutput = (slug: string) => readSynthOutput(paths, slug);
export type CatalogPattern = (typeof catalog.patterns)[number];
