// Operable by default, over every committed template: alarms on every failure path, one alarm
// topic per stack, and every resource billed while idle stopped, budgeted or explained.
import { ContentError } from '../lib/content/errors';
import { defaultPaths } from '../lib/content/load';
import { deployableOutput, getSynthOutputs } from '../lib/content';
import { deployFacts, unguardedIdleCosts } from '../lib/proof/deploy-facts';
import { operabilityProblems } from '../lib/proof/operability';
import { loadCatalogOrExit } from './report-content-errors';

const catalog = loadCatalogOrExit(defaultPaths(), { requireDiagrams: false });
const errors: ContentError[] = [];
for (const pattern of catalog.patterns) {
  const problems: { field: string; expected: string }[] = [];
  // An anti-pattern's "before" stack is never deployed by default: only its fix must be operable.
  for (const { language, output } of getSynthOutputs(pattern.slug).map((o) => ({ ...o, output: deployableOutput(pattern, o.output) }))) {
    for (const { name, template } of output.stacks) {
      for (const p of operabilityProblems(name, template)) problems.push({ field: `${language}: ${p.resource}`, expected: p.missing });
    }
    for (const i of unguardedIdleCosts(output.stacks, deployFacts(output.stacks), pattern.idleCosts)) {
      problems.push({
        field: `${language}: ${i.path}`,
        expected: `a way to stop it, an AWS::Budgets::Budget in stack ${i.stack}, or an idleCosts entry in the frontmatter naming one of its construct ids with why not: it is billed while idle (${i.basis})`,
      });
    }
  }
  if (problems.length) errors.push(new ContentError(pattern.file, problems));
}
if (errors.length) {
  console.error(`\n✖ Not operable by default (${errors.length} pattern(s)):\n\n${errors.map((e) => e.message).join('\n\n')}\n`);
  process.exit(1);
}
console.log(`Operability: ${catalog.patterns.length} pattern(s): every failure path has an alarm, alarms reach one topic per stack, idle costs are guarded or explained.`);
