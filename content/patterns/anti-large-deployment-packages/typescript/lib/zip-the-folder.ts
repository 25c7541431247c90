// The build step of the anti-pattern, as a team without a bundler writes it: compile the
// handler file by file, run `npm ci` (dev dependencies and all), zip the folder. Here it runs
// as CDK local bundling so the demo needs no separate script and no network: it copies the
// packages that `npm ci` would install from this app's node_modules.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { type AssetOptions, AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';

/** The function folder's package.json, as it typically grows: the SDK clients and the build tools. */
export const FUNCTION_PACKAGE = {
  name: 'get-product',
  private: true,
  dependencies: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
  devDependencies: ['typescript', '@types/aws-lambda'],
} as const;

/** Where Node.js would find `name` when required from `fromDir`. */
function packageDir(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`${name} is not installed; run npm install first.`);
  }
}

/** Every package directory `npm ci` would put under node_modules for these top-level names. */
export function installedClosure(names: readonly string[], fromDir: string): string[] {
  const found = new Set<string>();
  const visit = (name: string, from: string): void => {
    const dir = packageDir(name, from);
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, dir);
  };
  for (const name of names) visit(name, fromDir);
  return [...found].sort();
}

class ZipTheFolder implements ILocalBundling {
  // A private field: CDK hashes the bundling options as JSON, and an absolute path there would
  // give the asset a different hash in every checkout.
  readonly #entry: string;

  constructor(entry: string) {
    this.#entry = entry;
  }

  tryBundle(outputDir: string): boolean {
    // `tsc` with inline source maps: one unminified file per source file, imports left as require().
    buildSync({
      entryPoints: [this.#entry],
      outfile: join(outputDir, basename(this.#entry).replace(/\.ts$/, '.js')),
      bundle: false,
      platform: 'node',
      format: 'cjs',
      target: 'node24',
      sourcemap: 'inline',
      sourcesContent: true,
      logLevel: 'error',
    });
    const { dependencies, devDependencies, ...manifest } = FUNCTION_PACKAGE;
    writeFileSync(
      join(outputDir, 'package.json'),
      `${JSON.stringify({ ...manifest, dependencies: Object.fromEntries(dependencies.map((d) => [d, '*'])), devDependencies: Object.fromEntries(devDependencies.map((d) => [d, '*'])) }, null, 2)}\n`,
    );
    // `npm ci` installs dependencies AND devDependencies unless told --omit=dev; the zip takes them all.
    for (const dir of installedClosure([...dependencies, ...devDependencies], dirname(this.#entry))) {
      const relative = dir.slice(dir.indexOf(`${sep}node_modules${sep}`) + 1);
      cpSync(dir, join(outputDir, relative), { recursive: true, filter: (source) => !source.startsWith(join(dir, 'node_modules')) });
    }
    return true;
  }
}

/**
 * The package's identity: the handler and the name and version of every package copied in.
 * Hashing the copied files instead would tie the asset to how this machine's node_modules
 * happens to be laid out, and the same app would synthesize differently elsewhere.
 */
export function zipTheFolderHash(entry: string): string {
  const { dependencies, devDependencies } = FUNCTION_PACKAGE;
  const versions = installedClosure([...dependencies, ...devDependencies], dirname(entry)).map((dir) => {
    const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
    return `${name}@${version}`;
  });
  return createHash('sha256').update(readFileSync(entry)).update([...new Set(versions)].sort().join('\n')).digest('hex');
}

/** Asset options that package `entry` the zip-the-folder way, on this machine (no Docker). */
export function zipTheFolder(entry: string): AssetOptions {
  return {
    // The image is never pulled: local bundling always succeeds or throws.
    bundling: { image: DockerImage.fromRegistry('unused'), local: new ZipTheFolder(entry) },
    assetHashType: AssetHashType.CUSTOM,
    assetHash: zipTheFolderHash(entry),
  };
}
