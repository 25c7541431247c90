// Runs every pattern app's tests, recording each test's outcome for the guarantee check.
// Apps run one after another; node:test already spreads each app's files over the cores.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listApps } from '../lib/content/apps';
import { defaultPaths } from '../lib/content/load';
import { readTestResults, testResultsDir, testResultsFile } from '../lib/content/test-results';

const paths = defaultPaths();
const only = process.argv.slice(2);
const slugs = readdirSync(join(paths.content, 'patterns')).sort().filter((s) => only.length === 0 || only.includes(s));
const reporter = join(paths.root, 'scripts', 'test-results-reporter.mjs');
mkdirSync(testResultsDir(paths), { recursive: true });

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NODE_ENV: 'test' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

let passed = 0;
let failed = 0;
const broken: string[] = [];
for (const app of listApps(paths, slugs).filter((a) => a.language === 'typescript')) {
  const results = testResultsFile(paths, app.slug, app.language);
  rmSync(results, { force: true });
  const files = readdirSync(join(app.dir, 'test')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/${f}`);
  const started = Date.now();
  const { code, out } = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${reporter}`, `--test-reporter-destination=${results}`, ...files], app.dir);
  const recorded = readTestResults(paths, app.slug, app.language) ?? [];
  const ok = recorded.filter((r) => r.status === 'passed').length;
  const bad = recorded.filter((r) => r.status === 'failed').length;
  passed += ok;
  failed += bad;
  if (code !== 0 || bad > 0) {
    broken.push(`${app.slug} (${app.language})`);
    console.log(out);
  }
  console.log(`${code === 0 && bad === 0 ? '✔' : '✖'} ${app.slug} (${app.language}): ${ok} passed, ${bad} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
if (broken.length) console.error(`\n✖ Tests failed in: ${broken.join(', ')}`);
console.log(`\nPattern tests: ${passed} passed, ${failed} failed`);
process.exit(broken.length ? 1 : 0);
