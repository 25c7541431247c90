// The files of one downloadable app: its sources, plus what makes it work outside the repository.
import { type AppManifest, lockfileText, type RootLockfile, standaloneLockfile } from './lockfile';
import { appGitignore, appReadme, type ReadmeInput } from './readme';
import type { ZipFile } from './zip';

export type Language = 'typescript' | 'python';
/** A workspace package the app depends on, copied into `vendor/<name>/` with the files npm would publish. */
export type Vendored = { from: string; manifest: Record<string, unknown> & { name: string; version: string }; files: readonly ZipFile[] };

export type BundleInput = {
  slug: string;
  language: Language;
  /** The app folder's files as they are in the repository (no dot files, no build output). */
  files: readonly ZipFile[];
  readme: Omit<ReadmeInput, 'language' | 'slug'>;
  /** TypeScript only: the root lockfile and the workspace packages the app may link to. */
  lock?: RootLockfile;
  vendored?: readonly Vendored[];
};

const text = (s: string) => new TextEncoder().encode(s);
const json = (v: unknown) => text(`${JSON.stringify(v, null, 2)}\n`);
// What a published package manifest keeps; scripts and devDependencies are the repository's business.
const PUBLISHED_FIELDS = ['name', 'version', 'description', 'license', 'main', 'types', 'exports', 'bin', 'engines', 'dependencies', 'peerDependencies', 'peerDependenciesMeta'];

// What npm records about a linked package in a lockfile.
const LOCK_FIELDS = ['version', 'license', 'bin', 'engines', 'dependencies', 'peerDependencies', 'peerDependenciesMeta'];

function pick(m: Record<string, unknown>, fields: readonly string[]) {
  return Object.fromEntries(fields.filter((k) => m[k] !== undefined).map((k) => [k, m[k]]));
}
const vendoredManifest = (m: Vendored['manifest']) => pick(m, PUBLISHED_FIELDS);
// npm records bin targets without a leading "./" and leaves out a name that matches the folder.
function lockEntry(m: Vendored['manifest']) {
  const entry = pick(m, LOCK_FIELDS);
  const bin = m.bin as Record<string, string> | undefined;
  if (bin) entry.bin = Object.fromEntries(Object.entries(bin).map(([k, v]) => [k, v.replace(/^\.\//, '')]));
  return entry;
}

function typescriptExtras(input: BundleInput, manifestFile: ZipFile): ZipFile[] {
  if (!input.lock) throw new Error(`${input.slug}: a TypeScript download needs the root lockfile`);
  const manifest = JSON.parse(new TextDecoder().decode(manifestFile.data)) as AppManifest & Record<string, unknown>;
  const used = (input.vendored ?? []).filter((v) => manifest.dependencies?.[v.manifest.name] ?? manifest.devDependencies?.[v.manifest.name]);
  const spec = (name: string, value: string) => (used.some((v) => v.manifest.name === name) ? `file:vendor/${name}` : value);
  const rewrite = (deps?: Record<string, string>) => deps && Object.fromEntries(Object.entries(deps).map(([n, v]) => [n, spec(n, v)]));
  const standalone = { ...manifest, dependencies: rewrite(manifest.dependencies), devDependencies: rewrite(manifest.devDependencies) };
  const links = used.map((v) => ({ name: v.manifest.name, from: v.from, to: `vendor/${v.manifest.name}`, manifest: lockEntry(v.manifest) }));
  return [
    { path: 'package.json', data: json(standalone) },
    { path: 'package-lock.json', data: text(lockfileText(standaloneLockfile(input.lock, `content/patterns/${input.slug}/typescript`, standalone, links))) },
    ...used.flatMap((v) => [
      { path: `vendor/${v.manifest.name}/package.json`, data: json(vendoredManifest(v.manifest)) },
      ...v.files.map((f) => ({ path: `vendor/${v.manifest.name}/${f.path}`, data: f.data })),
    ]),
  ];
}

export function appBundle(input: BundleInput): ZipFile[] {
  const own = new Set(['README.md', '.gitignore', 'package-lock.json']);
  const sources = input.files.filter((f) => !own.has(f.path));
  const readme = { path: 'README.md', data: text(appReadme({ ...input.readme, slug: input.slug, language: input.language })) };
  const gitignore = { path: '.gitignore', data: text(appGitignore(input.language)) };
  if (input.language === 'python') return [...sources, readme, gitignore];
  const manifest = sources.find((f) => f.path === 'package.json');
  if (!manifest) throw new Error(`${input.slug}: the TypeScript app has no package.json`);
  return [...sources.filter((f) => f !== manifest), ...typescriptExtras(input, manifest), readme, gitignore];
}
