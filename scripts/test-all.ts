// `npm test`: every check, in order, stopping at the first failure, then how long each step took,
// so a slow CI run says where its minutes went.
import { spawn } from 'node:child_process';

/**
 * Filling .venv is mostly download and unpacking, and on a fresh machine it takes a minute or more;
 * lint, type-check and unit tests need no Python and keep the cores busy meanwhile. So it starts
 * first, in the background, with its output held back, and the steps that need .venv wait for it.
 */
const background = 'setup:python';
const steps = [
  'lint',
  'typecheck',
  'test:unit',
  `wait:${background}`,
  'test:cdk',
  'check:guarantees',
  'check:snapshots',
  'check:cfn-lint',
  'check:operability',
  'check:equivalence',
  'build',
  'check:pages',
  'test:infra',
  'test:downloads',
  'test:e2e',
];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const children = new Set<ReturnType<typeof spawn>>();

function run(step: string, quiet = false): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', step], { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    children.add(child);
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('close', (status) => {
      children.delete(child);
      resolve({ status, output });
    });
  });
}

const timings: [string, number][] = [];
const backgroundStarted = Date.now();
const backgroundRun = run(background, true).then((result) => ({ ...result, seconds: (Date.now() - backgroundStarted) / 1000 }));

let failed: string | undefined;
for (const step of steps) {
  const started = Date.now();
  let status: number | null;
  if (step === `wait:${background}`) {
    const result = await backgroundRun;
    process.stdout.write(`\n> npm run ${background} (in the background since the start, ${result.seconds.toFixed(1)} s)\n${result.output}`);
    timings.push([`${background} (bg)`, result.seconds]);
    timings.push([`  waited for it`, (Date.now() - started) / 1000]);
    status = result.status;
  } else {
    ({ status } = await run(step));
    timings.push([step, (Date.now() - started) / 1000]);
  }
  if (status !== 0) {
    failed = step.replace(/^wait:/, '');
    break;
  }
}

// The background step overlaps the others, so the wall clock is the sum of the steps run in turn.
const total = timings.filter(([step]) => !step.endsWith('(bg)')).reduce((sum, [, s]) => sum + s, 0);
console.log('\nnpm test, seconds per step:');
for (const [step, seconds] of timings) console.log(`  ${step.padEnd(20)} ${seconds.toFixed(1).padStart(7)}`);
console.log(`  ${'total'.padEnd(20)} ${total.toFixed(1).padStart(7)}`);
if (failed) {
  for (const child of children) child.kill();
  console.error(`\n✖ npm test stopped: "npm run ${failed}" failed.`);
  process.exit(1);
}
