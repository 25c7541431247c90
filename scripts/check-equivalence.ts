// Fails when a pattern's Python app synthesizes a different architecture from its TypeScript
// app, naming the pattern, the resource and the difference.
import { defaultPaths } from '../lib/content/load';
import { getSynthOutputs } from '../lib/content';
import { equivalenceDifferences } from '../lib/proof/equivalence';
import { loadCatalogOrExit } from './report-content-errors';

const catalog = loadCatalogOrExit(defaultPaths(), { requireDiagrams: false });
const failures: string[] = [];
let compared = 0;
for (const pattern of catalog.patterns) {
  const outputs = new Map(getSynthOutputs(pattern.slug).map((o) => [o.language, o.output]));
  const ts = outputs.get('typescript');
  const py = outputs.get('python');
  if (!ts || !py) continue;
  compared++;
  const diffs = equivalenceDifferences(ts, py);
  if (diffs.length) failures.push(`✖ ${pattern.slug}: the Python app differs from the TypeScript app:\n${diffs.slice(0, 20).map((d) => `  - ${d}`).join('\n')}${diffs.length > 20 ? `\n  … and ${diffs.length - 20} more` : ''}`);
}
if (failures.length) {
  console.error(`\n${failures.join('\n\n')}\n`);
  process.exit(1);
}
console.log(`Equivalence: ${compared} of ${catalog.patterns.length} pattern(s) have both apps, and each pair synthesizes the same architecture.`);
