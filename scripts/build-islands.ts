// `postbuild`: the exported site keeps Next's HTML and CSS but none of its runtime. Each page gets
// one module that hydrates the islands it contains (islands/*.ts: DOM code, or React components run
// by preact/compat), and the RSC payload files and Next's scripts leave out/.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { type BundleFor, ISLANDS_DIR, type IslandAsset, PageRewriteError, rewritePage } from '@/lib/islands/rewrite-page';

const OUT = 'out';

// An island that imports Next would bundle Next's client runtime back in, so the build refuses it.
const noNext: Plugin = {
  name: 'no-next',
  setup(b) {
    b.onResolve({ filter: /^next(\/|$)/ }, (args) => ({
      errors: [{ text: `"${args.path}" imported by ${args.importer}: islands run without Next's runtime; use plain elements (<a>, not Link)` }],
    }));
  },
};

async function files(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && keep(e.name)).map((e) => path.join(e.parentPath, e.name));
}

/** The islands a page contains, sorted: the page's one bundle is made for exactly this set. */
const islandsIn = (html: string) => [...new Set([...html.matchAll(/\sdata-island="([^"]+)"/g)].map((m) => m[1]!))].sort();

/**
 * One entry per distinct set of islands, so each page loads a single module (plus, for Preact
 * islands, the shared runtime chunk) rather than one request per island.
 */
async function bundleIslandSets(sets: string[][]): Promise<BundleFor> {
  const key = (names: readonly string[]) => names.join(' ');
  const ids = new Map(sets.map((names, i) => [key(names), `page-${i + 1}`]));
  const islandSets: Plugin = {
    name: 'island-sets',
    setup(b) {
      b.onResolve({ filter: /^island-set:/ }, (args) => ({ path: args.path.slice('island-set:'.length), namespace: 'island-set' }));
      b.onLoad({ filter: /.*/, namespace: 'island-set' }, (args) => ({
        contents: args.path.split(' ').map((name) => `import './islands/${name}.ts';`).join('\n'),
        resolveDir: process.cwd(),
        loader: 'ts',
      }));
    },
  };
  await rm(path.join(OUT, ISLANDS_DIR), { recursive: true, force: true });
  const result = await build({
    entryPoints: sets.map((names) => ({ in: `island-set:${key(names)}`, out: ids.get(key(names))! })),
    outdir: path.join(OUT, ISLANDS_DIR),
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    jsx: 'automatic',
    // react/jsx-runtime follows: esbuild maps subpaths of an aliased package.
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [noNext, islandSets],
    metafile: true,
    logLevel: 'warning',
  });
  const url = (file: string) => `/${path.relative(OUT, file).split(path.sep).join('/')}`;
  const bySet = new Map<string, IslandAsset>();
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (!output.entryPoint?.startsWith('island-set:')) continue;
    const imports = output.imports.filter((i) => i.kind === 'import-statement').map((i) => url(i.path));
    bySet.set(output.entryPoint.slice('island-set:'.length), { src: url(file), imports });
  }
  return (names) => bySet.get(key(names));
}

const started = Date.now();
const pages = await files(OUT, (name) => name.endsWith('.html'));
const html = new Map(await Promise.all(pages.map(async (page) => [page, await readFile(page, 'utf8')] as const)));
const available = new Set((await readdir('islands')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)));
const failures: string[] = [];
for (const [page, source] of html) {
  for (const name of islandsIn(source).filter((n) => !available.has(n))) failures.push(`${page}: island "${name}" has no entry: expected islands/${name}.ts`);
}
const sets = [...new Map([...html.values()].map(islandsIn).filter((s) => s.length && s.every((n) => available.has(n))).map((s) => [s.join(' '), s])).values()];
const bundleFor = await bundleIslandSets(sets);
for (const [page, source] of html) {
  if (failures.some((f) => f.startsWith(`${page}:`))) continue;
  try {
    await writeFile(page, (await rewritePage(source, bundleFor)).html);
  } catch (error) {
    if (!(error instanceof PageRewriteError)) throw error;
    failures.push(`${page}: ${error.message}`);
  }
}
if (failures.length) {
  console.error(`✖ build-islands: ${failures.length} page(s) could not be made static:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
// Nothing links the RSC payloads or Next's scripts any more; CSS and media under _next stay.
const leftovers = [
  ...(await files(OUT, (name) => name === 'index.txt' || (name.startsWith('__next.') && name.endsWith('.txt')))),
  ...(await files(path.join(OUT, '_next'), (name) => name.endsWith('.js') || name.endsWith('.js.map'))),
];
await Promise.all(leftovers.map((f) => rm(f)));
console.log(`✔ build-islands: ${pages.length} pages made static; ${sets.length} island bundles, one per set of islands a page uses; ${leftovers.length} runtime files removed (${Date.now() - started} ms)`);
