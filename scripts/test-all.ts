// `npm test`: every check, in order, stopping at the first failure, then how long each step took,
// so a slow CI run says where its minutes went.
import { spawnSync } from 'node:child_process';

const steps = [
  'setup:python',
  'lint',
  'typecheck',
  'test:unit',
  'test:cdk',
  'check:guarantees',
  'check:snapshots',
  'check:cfn-lint',
  'check:operability',
  'check:equivalence',
  'build',
  'check:pages',
  'test:downloads',
  'test:e2e',
];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const timings: [string, number][] = [];
let failed: string | undefined;
for (const step of steps) {
  const started = Date.now();
  const { status } = spawnSync(npm, ['run', step], { stdio: 'inherit' });
  timings.push([step, (Date.now() - started) / 1000]);
  if (status !== 0) {
    failed = step;
    break;
  }
}

const total = timings.reduce((sum, [, s]) => sum + s, 0);
console.log('\nnpm test, seconds per step:');
for (const [step, seconds] of timings) console.log(`  ${step.padEnd(18)} ${seconds.toFixed(1).padStart(7)}`);
console.log(`  ${'total'.padEnd(18)} ${total.toFixed(1).padStart(7)}`);
if (failed) {
  console.error(`\n✖ npm test stopped: "npm run ${failed}" failed.`);
  process.exit(1);
}
