// Runs the pinned cfn-lint over every committed template and fails on any finding that
// .cfnlintrc.yaml does not ignore with a reason. Also fails when the Region data is stale.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPaths } from '../lib/content/load';
import { readRegionSupport } from '../lib/content/regions';

const paths = defaultPaths();
const cfnLint = join(paths.root, '.venv', 'bin', 'cfn-lint');
if (!existsSync(cfnLint)) {
  console.error('✖ cfn-lint is not installed: run "bash scripts/setup-python.sh" (needs python3 with venv and pip).');
  process.exit(1);
}
const pinned = /cfn-lint==([\d.]+)/.exec(readFileSync(join(paths.root, 'requirements-tools.txt'), 'utf8'))?.[1];
const version = execFileSync(cfnLint, ['--version'], { encoding: 'utf8' }).trim().replace(/^cfn-lint\s+/, '');
if (version !== pinned) {
  console.error(`✖ .venv has cfn-lint ${version}, requirements-tools.txt pins ${pinned}: run "bash scripts/setup-python.sh".`);
  process.exit(1);
}
const regions = readRegionSupport(paths);
if (regions?.source !== `cfn-lint ${version}`) {
  console.error(`✖ snapshots/region-support.json comes from ${regions?.source ?? 'nowhere'}, not cfn-lint ${version}: run "npm run regions:update" and commit it.`);
  process.exit(1);
}
const started = Date.now();
// Templates and Regions come from .cfnlintrc.yaml.
const run = spawnSync(cfnLint, ['--format', 'parseable'], { cwd: paths.root, encoding: 'utf8' });
const findings = run.stdout.trim().split('\n').filter(Boolean);
if (run.status !== 0 || findings.length) {
  console.error(`✖ cfn-lint: ${findings.length} finding(s) in the committed templates:`);
  for (const line of findings) {
    const [file, row, , , , rule, ...message] = line.split(':');
    const [, slug, language] = file!.split('/');
    console.error(`  ${slug} (${language}) ${file}:${row} ${rule} ${message.join(':')}`);
  }
  if (run.stderr.trim()) console.error(run.stderr.trim());
  process.exit(1);
}
console.log(`cfn-lint ${version}: no findings in the committed templates for us-east-1 and eu-west-1 (${((Date.now() - started) / 1000).toFixed(1)} s).`);
