// `postbuild`: the exported site keeps Next's HTML and CSS but none of its runtime. Each page gets
// only the island bundles it uses (islands/*.ts, React components run by preact/compat), and the
// RSC payload files and Next's scripts leave out/.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { ISLANDS_DIR, type IslandAsset, PageRewriteError, rewritePage } from '@/lib/islands/rewrite-page';

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

async function bundleIslands(): Promise<Map<string, IslandAsset>> {
  const entryPoints = (await readdir('islands')).filter((f) => f.endsWith('.ts')).map((f) => `islands/${f}`);
  await rm(path.join(OUT, ISLANDS_DIR), { recursive: true, force: true });
  const result = await build({
    entryPoints,
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
    plugins: [noNext],
    metafile: true,
    logLevel: 'warning',
  });
  const url = (file: string) => `/${path.relative(OUT, file).split(path.sep).join('/')}`;
  const assets = new Map<string, IslandAsset>();
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    // Only the entries in islands/ itself: a module an island imports lazily is a chunk of it.
    if (!output.entryPoint || path.dirname(output.entryPoint) !== 'islands') continue;
    const imports = output.imports.filter((i) => i.kind === 'import-statement').map((i) => url(i.path));
    assets.set(path.basename(output.entryPoint, '.ts'), { src: url(file), imports });
  }
  return assets;
}

const started = Date.now();
const assets = await bundleIslands();
const pages = await files(OUT, (name) => name.endsWith('.html'));
const failures: string[] = [];
await Promise.all(
  pages.map(async (page) => {
    try {
      const { html } = rewritePage(await readFile(page, 'utf8'), assets);
      await writeFile(page, html);
    } catch (error) {
      if (!(error instanceof PageRewriteError)) throw error;
      failures.push(`${page}: ${error.message}`);
    }
  }),
);
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
console.log(`✔ build-islands: ${pages.length} pages made static, ${assets.size} islands, ${leftovers.length} runtime files removed (${Date.now() - started} ms)`);
