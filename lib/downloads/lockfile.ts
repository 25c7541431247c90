// A standalone package-lock.json for one workspace app, derived offline from the repository's root lockfile:
// the same resolved versions and integrities, laid out as `npm ci` would install them in the app's own folder.
import stringifyNice from 'json-stringify-nice';
import { type Lockfile, type LockPackage as Entry, resolveIn } from '../content/input-hash';

/** The repository's root lockfile, as the content gateway reads it. */
export type RootLockfile = Lockfile;
export type AppManifest = {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
/** A workspace link of the root lockfile that the standalone app carries in a folder of its own. */
export type VendoredLink = { name: string; from: string; to: string; manifest: Entry };

type Edge = { to: string; kind: 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional' };
const FLAGS = ['dev', 'optional', 'devOptional', 'peer'];

function edgesOf(lock: RootLockfile, at: string, isRoot: boolean): Edge[] {
  const pkg = lock.packages[at]!;
  const out: Edge[] = [];
  const add = (deps: Record<string, string> | undefined, kind: Edge['kind']) => {
    for (const name of Object.keys(deps ?? {}).sort()) {
      const found = resolveIn(lock, at, name);
      // A missing optional dependency or optional peer is allowed; anything else is a broken lockfile.
      if (!found) {
        if (kind === 'optional' || kind === 'peerOptional') continue;
        throw new Error(`package-lock.json: "${at}" needs "${name}", which the lockfile does not resolve`);
      }
      out.push({ to: found, kind });
    }
  };
  add(pkg.dependencies, 'prod');
  add(pkg.optionalDependencies, 'optional');
  const optionalPeer = (n: string) => pkg.peerDependenciesMeta?.[n]?.optional === true;
  const peers = Object.entries(pkg.peerDependencies ?? {});
  add(Object.fromEntries(peers.filter(([n]) => !optionalPeer(n))), 'peer');
  // An optional peer that is installed anyway (another package needs it) binds like an optional dependency.
  add(Object.fromEntries(peers.filter(([n]) => optionalPeer(n))), 'peerOptional');
  if (isRoot) add(pkg.devDependencies, 'dev');
  return out;
}

/** Lockfile paths reachable from `start`, following only the edges `follow` accepts. */
function reach(graph: Map<string, Edge[]>, start: string, follow: (e: Edge, from: string) => boolean): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    const at = queue.shift()!;
    for (const e of graph.get(at) ?? []) {
      if (!follow(e, at) || seen.has(e.to)) continue;
      seen.add(e.to);
      queue.push(e.to);
    }
  }
  return seen;
}

/**
 * The app's lockfile: every package it resolves through the root lock (nested `<app>/node_modules/…` first,
 * then hoisted), moved to a standalone root; `dev`/`optional`/`peer` flags recomputed for the app alone.
 */
export function standaloneLockfile(lock: RootLockfile, workspace: string, manifest: AppManifest, links: readonly VendoredLink[] = []): object {
  const linkByFrom = new Map(links.map((l) => [l.from, l]));
  const graph = new Map<string, Edge[]>();
  const queue = [workspace];
  while (queue.length) {
    const at = queue.shift()!;
    if (graph.has(at)) continue;
    const entry = lock.packages[at];
    if (!entry) throw new Error(`package-lock.json: no entry for "${at}"`);
    if (entry.link) {
      const link = [...linkByFrom.values()].find((l) => l.from === entry.resolved);
      if (!link) throw new Error(`package-lock.json: "${at}" links to workspace "${entry.resolved}", which the download does not vendor`);
      graph.set(at, [{ to: link.from, kind: 'prod' }]);
      queue.push(link.from);
      continue;
    }
    const edges = edgesOf(lock, at, at === workspace);
    graph.set(at, edges);
    // npm installs an optional peer only when something else needs it.
    queue.push(...edges.filter((e) => e.kind !== 'peerOptional').map((e) => e.to));
  }
  for (const [at, edges] of graph) graph.set(at, edges.filter((e) => graph.has(e.to)));

  const moved = (path: string): string => {
    if (path === workspace) return '';
    if (path.startsWith(`${workspace}/`)) return path.slice(workspace.length + 1);
    for (const l of links) if (path === l.from || path.startsWith(`${l.from}/`)) return l.to + path.slice(l.from.length);
    return path;
  };
  const targets = new Map<string, string>();
  for (const path of graph.keys()) {
    const to = moved(path);
    const clash = targets.get(to);
    // The app's nested copy would shadow a hoisted one another package needs: npm would nest that one instead.
    if (clash !== undefined) throw new Error(`package-lock.json: "${path}" and "${clash}" would both install at "${to}" in the standalone app`);
    targets.set(to, path);
  }

  const isRootEdge = (from: string) => from === workspace;
  const prod = reach(graph, workspace, (e, from) => !(isRootEdge(from) && e.kind === 'dev'));
  const isOptional = (e: Edge) => e.kind === 'optional' || e.kind === 'peerOptional';
  const required = reach(graph, workspace, (e) => !isOptional(e));
  const prodRequired = reach(graph, workspace, (e, from) => !isOptional(e) && !(isRootEdge(from) && e.kind === 'dev'));
  const notPeer = reach(graph, workspace, (e) => e.kind !== 'peer' && e.kind !== 'peerOptional');

  const packages: Record<string, object> = {
    '': {
      name: manifest.name,
      version: manifest.version,
      ...(manifest.license ? { license: manifest.license } : {}),
      ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
      ...(manifest.devDependencies ? { devDependencies: manifest.devDependencies } : {}),
      ...(manifest.engines ? { engines: manifest.engines } : {}),
    },
  };
  const paths = [...targets.keys()].filter((p) => p !== '').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const to of paths) {
    const from = targets.get(to)!;
    const entry = lock.packages[from]!;
    const link = linkByFrom.get(from);
    if (entry.link) {
      const target = [...linkByFrom.values()].find((l) => l.from === entry.resolved)!;
      packages[to] = { resolved: target.to, link: true };
      continue;
    }
    const dev = !prod.has(from);
    const optional = !required.has(from);
    const flags = {
      ...(dev ? { dev: true } : {}),
      ...(optional ? { optional: true } : {}),
      ...(!dev && !optional && !prodRequired.has(from) ? { devOptional: true } : {}),
      ...(notPeer.has(from) ? {} : { peer: true }),
    };
    packages[to] = { ...Object.fromEntries(Object.entries(link ? link.manifest : entry).filter(([k]) => !FLAGS.includes(k))), ...flags };
  }
  return { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages };
}

// npm's own lockfile layout (its json-stringify-nice with its preferred keys): `npm install` then rewrites nothing.
const LOCK_KEY_ORDER = ['name', 'version', 'lockfileVersion', 'resolved', 'integrity', 'requires', 'packages', 'dependencies'];
export function lockfileText(lock: object): string {
  return stringifyNice(lock, LOCK_KEY_ORDER);
}
