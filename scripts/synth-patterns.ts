// Synthesizes every pattern's CDK app offline and keeps templates + cdk-nag findings
// in .generated/, where the site build reads them. Two at a time: CI has two cores.
import { availableParallelism } from 'node:os';
import { defaultPaths } from '../lib/content/load';
import { loadCatalogOrExit } from './report-content-errors';
import { cdkLibVersion, collectSynthOutput, synthesize, writeSynthOutput } from '../lib/content/synth';

const paths = defaultPaths();
const only = process.argv.slice(2);
const slugs = loadCatalogOrExit(paths, { requireDiagrams: false })
  .patterns.map((p) => p.slug)
  .filter((s) => only.length === 0 || only.includes(s));
const version = cdkLibVersion(paths.root);
const failures: string[] = [];

async function worker(queue: string[]) {
  for (let slug = queue.shift(); slug; slug = queue.shift()) {
    const started = Date.now();
    const result = await synthesize(paths, slug);
    if (!result.ok) {
      failures.push(`\n✖ ${slug}: cdk synth failed\n${result.log.trim()}`);
      continue;
    }
    const output = collectSynthOutput(slug, result.assemblyDir, version);
    writeSynthOutput(paths, output);
    const resources = output.stacks.reduce((n, s) => n + Object.keys(s.template.Resources).length, 0);
    const suppressed = output.findings.filter((f) => f.level === 'suppressed').length;
    console.log(`✔ ${slug}: ${resources} resources, ${output.findings.length - suppressed} open finding(s), ${suppressed} acknowledged (${Date.now() - started} ms)`);
  }
}

const queue = [...slugs];
await Promise.all(Array.from({ length: Math.min(2, availableParallelism(), queue.length) }, () => worker(queue)));
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`Synthesized ${slugs.length} pattern(s) with aws-cdk-lib ${version}.`);
