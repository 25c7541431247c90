import { ContentError } from '../lib/content/errors';
import { recommendedFlags } from '../lib/content/cdk-flags';
import { AggregateContentError, type Catalog, type CatalogPaths, type LoadOptions, loadCatalog } from '../lib/content/load';

/** Authors need the file, field and expectation, not a stack trace: print those and stop. */
export function exitOnContentError(error: unknown): never {
  if (error instanceof AggregateContentError || error instanceof ContentError) {
    console.error(`\n✖ ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

/** The catalog for a build script, or a readable list of content problems and exit 1. */
export function loadCatalogOrExit(paths: CatalogPaths, options: LoadOptions = {}): Catalog {
  try {
    return loadCatalog(paths, { flags: recommendedFlags(paths.root), ...options });
  } catch (error) {
    exitOnContentError(error);
  }
}
