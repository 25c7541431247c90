// Runs every pattern app's tests, recording each test's outcome for the guarantee check.
// TypeScript apps run under node:test, Python apps under pytest from the project's .venv.
// As many apps run at once as there are cores: pytest and a one-file node:test run use one
// core each, so running apps one after another left half of a 2-core machine idle.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type App, listApps } from '../lib/content/apps';
import { defaultPaths } from '../lib/content/load';
import { readTestResults, testResultsDir, testResultsFile } from '../lib/content/test-results';

const paths = defaultPaths();
const only = process.argv.slice(2);
const slugs = readdirSync(join(paths.content, 'patterns')).sort().filter((s) => only.length === 0 || only.includes(s));
const reporter = join(paths.root, 'scripts', 'test-results-reporter.mjs');
mkdirSync(testResultsDir(paths), { recursive: true });

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NODE_ENV: 'test', ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

let passed = 0;
let failed = 0;
const broken: string[] = [];
const python = join(paths.root, '.venv', 'bin', 'python');

/** node:test for TypeScript apps, pytest (from .venv) for Python apps, each recording results. */
function testApp(app: App, results: string) {
  if (app.language === 'python') {
    const env = { RESULTS_FILE: results, PYTHONPATH: join(paths.root, 'scripts', 'pytest'), PYTHONDONTWRITEBYTECODE: '1', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
    return run(python, ['-m', 'pytest', '-q', '-p', 'results_plugin', '-p', 'no:cacheprovider', 'tests'], app.dir, env);
  }
  const files = readdirSync(join(app.dir, 'test')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/${f}`);
  return run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${reporter}`, `--test-reporter-destination=${results}`, ...files], app.dir);
}

async function testAndReport(app: App): Promise<void> {
  const results = testResultsFile(paths, app.slug, app.language);
  rmSync(results, { force: true });
  const started = Date.now();
  const { code, out } = await testApp(app, results);
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

const queue = listApps(paths, slugs);
const workers = Math.max(1, Math.min(Number(process.env.TEST_WORKERS) || availableParallelism(), queue.length));
await Promise.all(
  Array.from({ length: workers }, async () => {
    for (let app = queue.shift(); app; app = queue.shift()) await testAndReport(app);
  }),
);
if (broken.length) console.error(`\n✖ Tests failed in: ${broken.sort().join(', ')}`);
console.log(`\nPattern tests: ${passed} passed, ${failed} failed`);
process.exit(broken.length ? 1 : 0);
