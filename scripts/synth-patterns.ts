// Keeps snapshots/ in step with the CDK apps. Each app's output (templates and cdk-nag
// findings) is committed with a hash of everything that determines it.
//   npm run synth              synthesize only the apps whose hash changed (the build runs this)
//   npm run snapshots:update   re-synthesize every app and rewrite its snapshot
//   npm run check:snapshots    re-synthesize every app and fail where the committed snapshot differs
// --catalog <dir> points at another folder holding content/patterns/ and snapshots/ (the bench's
// synthetic catalogs); the CDK install, lockfile and tools stay this repository's.
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type App, appHash, listApps, readLockfile } from '../lib/content/apps';
import { defaultPaths } from '../lib/content/load';
import { cdkLibVersion, collectSynthOutput, readSnapshotMeta, readSynthOutput, synthesize, writeSnapshot } from '../lib/content/synth';
import { rulePackFindings } from '../lib/content/rule-pack';
import { snapshotDifference } from '../lib/proof/snapshot-diff';
import { PACK_NAME } from 'cdk-nag-serverless-anti-patterns';

const args = process.argv.slice(2);
const mode = args.includes('--check') ? 'check' : args.includes('--all') ? 'all' : 'changed';
const catalogAt = args.indexOf('--catalog');
const only = args.filter((a, i) => !a.startsWith('--') && (catalogAt < 0 || i !== catalogAt + 1));
const repo = defaultPaths();
const paths = catalogAt >= 0 ? defaultPaths(args[catalogAt + 1]) : repo;
// Synthesis needs only the folders, not valid pages: the content check reports those.
const slugs = readdirSync(join(paths.content, 'patterns')).sort().filter((s) => only.length === 0 || only.includes(s));
const version = cdkLibVersion(repo.root);
const lock = readLockfile(repo);
const python = join(repo.root, '.venv', 'bin', 'python');
const failures: string[] = [];
const name = (app: App) => `${app.slug} (${app.language})`;

const apps = listApps(paths, slugs).map((app) => ({ app, hash: appHash(repo, app, lock, version) }));
const todo = mode === 'changed' ? apps.filter(({ app, hash }) => readSnapshotMeta(paths, app.slug, app.language)?.hash !== hash) : apps;

async function run({ app, hash }: { app: App; hash: string }) {
  if (app.language === 'python' && !existsSync(python)) {
    return void failures.push(`✖ ${name(app)}: its snapshot is stale and synthesizing a Python app needs .venv: run "npm run setup:python" first`);
  }
  const result = await synthesize(app.dir, { python });
  if (!result.ok) return void failures.push(`✖ ${name(app)}: synthesis failed\n${result.log.trim()}`);
  const output = collectSynthOutput(app.slug, result.assemblyDir, version, rulePackFindings(result.assemblyDir));
  // The anti-pattern pack's findings are checked against each page (its "before" stack must trip them).
  const open = output.findings.filter((f) => f.level === 'error' && f.pack !== PACK_NAME);
  if (open.length) {
    return void failures.push(`✖ ${name(app)}: ${open.length} cdk-nag error(s) without a written reason:\n${open.map((f) => `  ${f.rule} on ${f.path ?? f.resource}: ${f.message}`).join('\n')}`);
  }
  if (mode === 'check') {
    const meta = readSnapshotMeta(paths, app.slug, app.language);
    const difference = meta ? snapshotDifference(readSynthOutput(paths, app.slug, app.language), output) : 'no committed snapshot';
    if (difference) return void failures.push(`✖ ${name(app)}: snapshots/${app.slug}/${app.language} differs from a fresh synthesis: ${difference}`);
    if (meta!.hash !== hash) return void failures.push(`✖ ${name(app)}: snapshots/${app.slug}/${app.language}/synth.json has a stale input hash (${meta!.hash}, now ${hash})`);
  } else {
    writeSnapshot(paths, output, app.language, hash);
  }
  const resources = output.stacks.reduce((n, s) => n + Object.keys(s.template.Resources).length, 0);
  console.log(`✔ ${name(app)}: ${resources} resources, ${output.findings.filter((f) => f.level === 'suppressed').length} acknowledged findings (${result.ms} ms)`);
}

const started = Date.now();
const queue = [...todo];
const workers = Math.max(1, Math.min(availableParallelism(), queue.length));
await Promise.all(Array.from({ length: workers }, async () => {
  for (let next = queue.shift(); next; next = queue.shift()) await run(next);
}));
if (failures.length) {
  console.error(`\n${failures.join('\n\n')}\n`);
  if (mode === 'check') console.error('Refresh the snapshots with "npm run snapshots:update", review the diff and commit it.');
  process.exit(1);
}
const verb = mode === 'check' ? 'match a fresh synthesis' : 'are up to date';
console.log(`Snapshots: ${apps.length} app(s) ${verb}; synthesized ${todo.length} with aws-cdk-lib ${version} on ${workers} worker(s) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
