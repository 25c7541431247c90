// Build figures (npm run bench): where one app's synth seconds go (TypeScript and Python), then
// synthesis of both languages' apps for today's catalog and a synthetic 200-pattern one, each with no change, one pattern changed and a
// full re-synthesis. Catalogs are copies under .tmp/, so the repository is never touched.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defaultPaths } from '../lib/content/load';

const root = defaultPaths().root;
const sample = process.env.BENCH_APP ?? 'the-big-fan';
const today = readdirSync(join(root, 'content', 'patterns')).length;
const sizes = (process.env.BENCH_SIZES ?? `${today},200`).split(',').map(Number);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function time(command: string, args: string[], cwd: string, env: Record<string, string> = {}): { ms: number; out: string } {
  const started = Date.now();
  const run = spawnSync(command, args, { cwd, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  return { ms: Date.now() - started, out: run.stdout };
}

// The fastest of a few runs: on a shared machine one slow run would otherwise make a difference of
// two timings negative.
const runs = Number(process.env.BENCH_RUNS ?? 3);
function best(command: string, args: string[], cwd: string, env: Record<string, string> = {}): { ms: number } {
  return { ms: Math.min(...Array.from({ length: runs }, () => time(command, args, cwd, env).ms)) };
}

function breakdown() {
  const dir = join(root, 'content', 'patterns', sample, 'typescript');
  const bin = readdirSync(join(dir, 'bin')).find((f) => f.endsWith('.ts'))!;
  const context = (extra: Record<string, unknown> = {}) => ({
    CDK_OUTDIR: join(root, '.tmp', 'bench-out'),
    CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:enable-path-metadata': true, 'aws:cdk:bundling-stacks': ['**'], ...extra }),
  });
  const node = best(process.execPath, ['-e', '0'], dir).ms;
  const loader = best(process.execPath, ['--import', 'tsx', '-e', '0'], dir).ms;
  const direct = best(process.execPath, ['--import', 'tsx', `bin/${bin}`], dir, context()).ms;
  const noBundling = best(process.execPath, ['--import', 'tsx', `bin/${bin}`], dir, context({ 'aws:cdk:bundling-stacks': [] })).ms;
  const noNag = best(process.execPath, ['--import', join(root, 'scripts', 'bench', 'no-nag.mjs'), '--import', 'tsx', `bin/${bin}`], dir, context()).ms;
  const cli = best('npx', ['--no-install', 'cdk', 'synth', '--quiet', '--no-notices', '--output', join(root, '.tmp', 'bench-cli')], dir).ms;
  console.log(`\nWhere ${sample}'s synth time goes (the fastest of ${runs} runs each, wall clock):`);
  console.log(`  through the CDK CLI (cdk synth)   ${seconds(cli)}`);
  console.log(`  the app run directly              ${seconds(direct)}   (CLI start-up and checks: ${seconds(cli - direct)})`);
  console.log(`    node start                      ${seconds(node)}`);
  console.log(`    + the tsx loader                ${seconds(loader - node)}`);
  console.log(`    esbuild bundling                ${seconds(direct - noBundling)}`);
  console.log(`    cdk-nag (both packs)            ${seconds(direct - noNag)}`);
  console.log(`    the rest: loading aws-cdk-lib, building the tree, writing the assembly  ${seconds(noBundling - (direct - noNag) - loader)}`);

  const pyDir = join(root, 'content', 'patterns', sample, 'python');
  const python = join(root, '.venv', 'bin', 'python');
  if (existsSync(join(pyDir, 'app.py')) && existsSync(python)) {
    const env = { ...context(), JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1', PYTHONDONTWRITEBYTECODE: '1' };
    const start = best(python, ['-c', 'pass'], pyDir).ms;
    const jsii = best(python, ['-c', 'import aws_cdk; aws_cdk.App()'], pyDir, env).ms;
    const app = best(python, ['app.py'], pyDir, env).ms;
    console.log(`  the Python app run directly       ${seconds(app)}`);
    console.log(`    python start                    ${seconds(start)}`);
    console.log(`    + jsii: starting its Node process and loading aws-cdk-lib  ${seconds(jsii - start)}`);
    console.log(`    the rest: building the tree through jsii, cdk-nag, writing the assembly  ${seconds(app - jsii)}`);
  }
}

function catalogOf(size: number): string {
  const dir = join(root, '.tmp', `bench-catalog-${size}`);
  rmSync(dir, { recursive: true, force: true });
  const slugs = readdirSync(join(root, 'content', 'patterns')).sort();
  for (let i = 0; i < size; i++) {
    const slug = slugs[i % slugs.length]!;
    const copy = i < slugs.length ? slug : `${slug}-copy-${Math.floor(i / slugs.length)}`;
    for (const language of ['typescript', 'python']) {
      if (!existsSync(join(root, 'content', 'patterns', slug, language))) continue;
      const source = join(root, 'content', 'patterns', slug, language);
      const target = join(dir, 'content', 'patterns', copy, language);
      cpSync(source, target, { recursive: true, filter: (src) => !/(node_modules|cdk\.out|site-dist|__pycache__)$/.test(src) });
      // An app whose dependencies npm could not hoist (another version at the root) resolves them from
      // its own node_modules: link it, or the copy's bundling cannot find them.
      if (existsSync(join(source, 'node_modules'))) symlinkSync(join(source, 'node_modules'), join(target, 'node_modules'), 'dir');
    }
  }
  return dir;
}

function synth(catalog: string, ...args: string[]) {
  const { ms, out } = time(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'synth-patterns.ts'), '--catalog', catalog, ...args], root);
  const perApp = [...out.matchAll(/\((\d+) ms\)/g)].map((m) => Number(m[1]));
  return { ms, count: perApp.length, perApp };
}

breakdown();
const workers = availableParallelism();
console.log(`\nSynthesis of whole catalogs, ${workers} worker(s):`);
console.log('  patterns | full re-synthesis | per app (median, max) | no change | one changed');
for (const size of sizes) {
  const catalog = catalogOf(size);
  const full = synth(catalog);
  const none = synth(catalog);
  const changed = readdirSync(join(catalog, 'content', 'patterns'))[0]!;
  const lib = join(catalog, 'content', 'patterns', changed, 'typescript', 'lib');
  appendFileSync(join(lib, readdirSync(lib).find((f) => f.endsWith('.ts'))!), '\n// bench: one changed file\n');
  const one = synth(catalog);
  const sorted = [...full.perApp].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(
    `  ${String(size).padStart(8)} | ${seconds(full.ms).padStart(17)} | ${`${seconds(median)}, ${seconds(sorted.at(-1) ?? 0)}`.padStart(21)} | ${`${seconds(none.ms)} (${none.count})`.padStart(9)} | ${seconds(one.ms)} (${one.count})`,
  );
  rmSync(catalog, { recursive: true, force: true });
}
