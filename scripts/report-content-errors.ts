import { ContentError } from '../lib/content/errors';
import { AggregateContentError } from '../lib/content/load';

/** Authors need the file, field and expectation, not a stack trace: print those and stop. */
export function exitOnContentError(error: unknown): never {
  if (error instanceof AggregateContentError || error instanceof ContentError) {
    console.error(`\n✖ ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
