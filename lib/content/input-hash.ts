import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { listSourceFiles } from './load';

/** One `packages` entry of package-lock.json: the fields read here, and the rest carried as they are. */
export type LockPackage = Record<string, unknown> & {
  name?: string;
  version?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  link?: boolean;
  resolved?: string;
};
export type Lockfile = { packages: Record<string, LockPackage> };

/** Where Node would load `name` from for the package at lockfile path `from`, as npm lays it out. */
export function resolveIn(lock: Lockfile, from: string, name: string): string | undefined {
  let at: string | undefined = from;
  while (at !== undefined) {
    const candidate = `${at}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    // Up one package: a/node_modules/b -> a; a workspace or a top-level package -> the root.
    const i = at.lastIndexOf('/node_modules/');
    at = i > 0 ? at.slice(0, i) : undefined;
  }
  return lock.packages[`node_modules/${name}`] ? `node_modules/${name}` : undefined;
}

/**
 * Every lockfile entry a workspace resolves, transitively: its name, place, version and
 * integrity. A changed CDK, esbuild or any library the app loads changes this list.
 */
export function lockClosure(lock: Lockfile, workspace: string): string[] {
  const seen = new Set<string>();
  const queue = [workspace];
  while (queue.length) {
    const at = queue.shift()!;
    const pkg = lock.packages[at];
    if (!pkg) continue;
    const deps = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies, ...(at === workspace ? pkg.devDependencies : {}) };
    for (const name of Object.keys(deps).sort()) {
      const found = resolveIn(lock, at, name);
      if (found && !seen.has(found)) {
        seen.add(found);
        queue.push(found);
      }
    }
  }
  return [...seen].sort().map((p) => `${p}@${lock.packages[p]!.version ?? ''}#${lock.packages[p]!.integrity ?? ''}`);
}

/** Source files that decide what an app synthesizes: everything but its tests. */
export function synthInputFiles(appDir: string): string[] {
  return listSourceFiles(appDir).filter((f) => !/^(test|tests)\//.test(f) && !/(^|\/)README\.md$/.test(f));
}

export type HashInputs = {
  appDir: string;
  /** Lines that pin the app's dependencies: lockfile closure or pinned requirements. */
  dependencies: readonly string[];
  /** Files of this repository whose code turns an assembly into a snapshot. */
  toolFiles: readonly string[];
  cdkVersion: string;
};

/** One hash of everything that determines an app's synthesized output. */
export function inputHash({ appDir, dependencies, toolFiles, cdkVersion }: HashInputs): string {
  const h = createHash('sha256');
  const add = (label: string, text: string | Buffer) => h.update(`${label}\0${createHash('sha256').update(text).digest('hex')}\n`);
  add('cdk', cdkVersion);
  for (const f of synthInputFiles(appDir)) add(`app:${f}`, readFileSync(join(appDir, f)));
  add('deps', dependencies.join('\n'));
  for (const f of toolFiles) add(`tool:${posix.basename(f)}`, readFileSync(f));
  return h.digest('hex').slice(0, 32);
}
