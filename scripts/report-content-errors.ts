import { ContentError } from '../lib/content/errors';
import { AggregateContentError, type Catalog, type CatalogPaths, loadCatalog } from '../lib/content/load';

/** Authors need the file, field and expectation, not a stack trace: print those and stop. */
export function exitOnContentError(error: unknown): never {
  if (error instanceof AggregateContentError || error instanceof ContentError) {
    console.error(`\n✖ ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

/** The catalog for a build script, or a readable list of content problems and exit 1. */
export function loadCatalogOrExit(paths: CatalogPaths, options: { requireDiagrams?: boolean } = {}): Catalog {
  try {
    return loadCatalog(paths, options);
  } catch (error) {
    exitOnContentError(error);
  }
}
