// The downloads and the CLI against the built site, served from out/ as a host would:
//   npm run test:downloads        every pattern listed, checksums, CLI errors, then one TypeScript and one Python
//                                 app taken with `init` and installed, synthesized and tested outside the repository
//   npm run test:downloads:all    the same for every pattern in both languages (before a release; slow)
//   npm run test:downloads -- --only=slug,slug    the same for the patterns named
// Needs the npm registry and PyPI (warm caches make it quick). DOWNLOADS_PORT picks the port (default 4291).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

type Catalog = { patterns: { slug: string; languages: ('typescript' | 'python')[]; cdkCli: string; downloads: Record<string, { path: string; sha256: string; bytes: number }> }[] };

// Small apps with quick tests: what `npm test` installs on every run.
const QUICK = [
  { slug: 'the-lambda-power-tuner', language: 'typescript' as const },
  { slug: 'the-simple-webservice', language: 'python' as const },
];

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages', 'cli', 'bin', 'cdk-patterns.js');
const all = process.argv.includes('--all');
const port = Number(process.env.DOWNLOADS_PORT ?? 4291);
const base = `http://127.0.0.1:${port}/`;
const timings: [string, number][] = [];
const failures: string[] = [];

function run(label: string, cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): { ok: boolean; out: string; code: number | null } {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1', ...env }, maxBuffer: 64 * 1024 * 1024 });
  timings.push([label, (Date.now() - started) / 1000]);
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 && !label.startsWith('expect-fail')) {
    failures.push(`${label}: ${cmd} ${args.join(' ')} exited ${r.status}\n${out.slice(-3000)}`);
  }
  return { ok: r.status === 0, out, code: r.status };
}

const cliRun = (label: string, args: string[], cwd = root) => run(label, process.execPath, [cli, ...args, '--site', base], cwd);

async function startServer(): Promise<ChildProcess> {
  if (!existsSync(join(root, 'out', 'catalog.json'))) throw new Error('No out/catalog.json: run `npm run build` first.');
  // The site's own server, as `npm start` runs it: the same routing and headers a reader's CLI meets.
  const child = spawn(process.execPath, [join(root, 'scripts', 'serve.mjs')], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}catalog.json`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`The static server did not answer on ${base}`);
}

function checkCatalog(catalog: Catalog) {
  const listed = cliRun('cli list', ['list']).out;
  for (const p of catalog.patterns) if (!new RegExp(`^${p.slug}\\s`, 'm').test(listed)) failures.push(`cdk-patterns list does not show ${p.slug}`);
  for (const p of catalog.patterns) {
    for (const [language, d] of Object.entries(p.downloads)) {
      const file = join(root, 'out', d.path);
      const bytes = existsSync(file) ? readFileSync(file) : undefined;
      if (!bytes || createHash('sha256').update(bytes).digest('hex') !== d.sha256 || bytes.byteLength !== d.bytes) failures.push(`out/${d.path} (${p.slug}, ${language}) does not match its catalog checksum`);
    }
  }
  const unknown = cliRun('expect-fail unknown slug', ['init', 'the-lambda-power-tunr']);
  if (unknown.code !== 3 || !unknown.out.includes('Did you mean "the-lambda-power-tuner"?')) failures.push(`init of an unknown slug: expected exit 3 with a did-you-mean, got ${unknown.code}: ${unknown.out}`);
  const down = run('expect-fail unreachable', process.execPath, [cli, 'list', '--site', 'http://127.0.0.1:9/'], root);
  if (down.code !== 4 || !down.out.includes('http://127.0.0.1:9/catalog.json')) failures.push(`list against an unreachable site: expected exit 4 naming the URL, got ${down.code}: ${down.out}`);
}

/** Take the app with `init` into a fresh folder, then install, synthesize and test it as its README says. */
function tryApp(slug: string, language: 'typescript' | 'python', cdkCli: string) {
  const work = mkdtempSync(join(tmpdir(), `dl-${slug}-`));
  try {
    const dir = join(work, slug);
    const tag = `${slug} (${language})`;
    if (!cliRun(`${tag} init`, ['init', slug, '--lang', language], work).ok) return;
    if (language === 'typescript') {
      const steps: [string, string, string[]][] = [
        ['npm ci', 'npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund']],
        ['cdk synth', 'npx', ['cdk', 'synth', '--no-notices', '-q']],
        ['npm test', 'npm', ['test']],
      ];
      for (const [label, cmd, args] of steps) if (!run(`${tag} ${label}`, cmd, args, dir).ok) return;
      return;
    }
    const venv = join(dir, '.venv', 'bin');
    const env = { PATH: `${venv}:${process.env.PATH}`, VIRTUAL_ENV: join(dir, '.venv') };
    const steps: [string, string, string[]][] = [
      ['venv', 'python3', ['-m', 'venv', '.venv']],
      ['pip install', join(venv, 'pip'), ['install', '-q', '--disable-pip-version-check', '-r', 'requirements-dev.txt']],
      ['cdk synth', 'npx', ['--yes', `aws-cdk@${cdkCli}`, 'synth', '--no-notices', '-q']],
      ['pytest', join(venv, 'pytest'), ['-q', '-p', 'no:cacheprovider']],
    ];
    for (const [label, cmd, args] of steps) if (!run(`${tag} ${label}`, cmd, args, dir, env).ok) return;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const server = await startServer();
try {
  const catalog = JSON.parse(readFileSync(join(root, 'out', 'catalog.json'), 'utf8')) as Catalog;
  checkCatalog(catalog);
  // --only=a,b: those patterns in every language they have (to re-run a failure of the --all run).
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const chosen = only ? catalog.patterns.filter((p) => only.includes(p.slug)) : catalog.patterns;
  const apps = all || only ? chosen.flatMap((p) => p.languages.map((language) => ({ slug: p.slug, language }))) : QUICK;
  for (const slug of only ?? []) if (!chosen.some((p) => p.slug === slug)) failures.push(`--only: no pattern "${slug}" in the catalog`);
  for (const { slug, language } of apps) {
    const entry = catalog.patterns.find((p) => p.slug === slug);
    if (!entry) failures.push(`${slug} is not in the catalog`);
    else tryApp(slug, language, entry.cdkCli);
  }
} finally {
  server.kill();
}

console.log('\ntest:downloads, seconds per step:');
for (const [label, s] of timings) console.log(`  ${label.padEnd(58)} ${s.toFixed(1).padStart(6)}`);
console.log(`  ${'total'.padEnd(58)} ${timings.reduce((a, [, s]) => a + s, 0).toFixed(1).padStart(6)}`);
if (failures.length) {
  console.error(`\n✖ ${failures.length} problem(s):\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log('\n✓ downloads and CLI work against the built site');
