import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Lockfile, inputHash, lockClosure } from './input-hash';
import type { CatalogPaths } from './load';
import { type SnapshotLanguage, snapshotLanguages } from './synth';

export type App = { slug: string; language: SnapshotLanguage; dir: string };

/** Every CDK app in the catalog: one per pattern and language folder that holds a cdk.json. */
export function listApps(paths: CatalogPaths, slugs: readonly string[]): App[] {
  return slugs.flatMap((slug) =>
    snapshotLanguages
      .map((language) => ({ slug, language, dir: join(paths.content, 'patterns', slug, language) }))
      .filter((app) => existsSync(join(app.dir, 'cdk.json'))),
  );
}

/** Sources of the anti-pattern rule pack the synth step runs: a changed rule re-checks every app. */
function rulePackFiles(root: string): string[] {
  const src = join(root, 'packages', 'cdk-nag-serverless-anti-patterns', 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort().map((f) => join(src, f));
}

/** The repository's own code that turns an app into a snapshot: changing it re-synthesizes everything. */
export function synthToolFiles(paths: CatalogPaths): string[] {
  return [join(paths.root, 'lib', 'content', 'synth.ts'), join(paths.root, 'lib', 'content', 'rule-pack.ts'), ...rulePackFiles(paths.root)];
}

/** What pins an app's dependencies: its lockfile closure (TypeScript) or its pinned requirements (Python). */
export function appDependencies(app: App, lock: Lockfile): string[] {
  if (app.language === 'typescript') return lockClosure(lock, `content/patterns/${app.slug}/typescript`);
  return ['requirements.txt', 'requirements-dev.txt']
    .map((f) => join(app.dir, f))
    .filter(existsSync)
    .map((f) => readFileSync(f, 'utf8'));
}

export function appHash(paths: CatalogPaths, app: App, lock: Lockfile, cdkVersion: string): string {
  return inputHash({ appDir: app.dir, dependencies: appDependencies(app, lock), toolFiles: synthToolFiles(paths), cdkVersion });
}

export function readLockfile(paths: CatalogPaths): Lockfile {
  return JSON.parse(readFileSync(join(paths.root, 'package-lock.json'), 'utf8')) as Lockfile;
}
