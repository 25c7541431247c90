// Every guarantee a page makes names tests; this fails unless each ran and passed in the last
// `npm run test:cdk`, naming the page, the guarantee and what happened.
import { ContentError } from '../lib/content/errors';
import { defaultPaths } from '../lib/content/load';
import { guaranteeProblems, readTestResults } from '../lib/content/test-results';
import { loadCatalogOrExit } from './report-content-errors';

const paths = defaultPaths();
const catalog = loadCatalogOrExit(paths, { requireDiagrams: false });
const errors: ContentError[] = [];
let proven = 0;
for (const pattern of catalog.patterns) {
  const problems = guaranteeProblems(pattern, (language) => readTestResults(paths, pattern.slug, language));
  if (problems.length) errors.push(new ContentError(pattern.file, problems));
  else proven += pattern.guarantees.length;
}
if (errors.length) {
  console.error(`\n✖ Guarantees not proven by a passing test (${errors.length} pattern(s)):\n\n${errors.map((e) => e.message).join('\n\n')}\n`);
  process.exit(1);
}
console.log(`Guarantees: ${proven} across ${catalog.patterns.length} pattern(s), each proven by tests that passed.`);
