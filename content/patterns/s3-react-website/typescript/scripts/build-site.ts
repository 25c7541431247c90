// Builds the React app in site/ into site-dist/: index.html plus content-hashed JS and CSS.
// Run directly (cdk.json does, before every synth) or import buildSite() from tests.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

export const SITE_DIR = path.join(__dirname, '..', 'site');
export const DIST_DIR = path.join(__dirname, '..', 'site-dist');
const MARKER = '<!-- assets -->';

export interface SiteAssets {
  script: string;
  style?: string;
}

export interface SiteBuild extends SiteAssets {
  outDir: string;
  /** Every written file, relative to outDir, with forward slashes. */
  files: string[];
}

/** Puts the hashed file names into the HTML template. Absolute paths, so deep links like /about/x still load them. */
export function injectAssets(template: string, assets: SiteAssets): string {
  if (!template.includes(MARKER)) throw new Error(`index.html has no ${MARKER} marker to replace`);
  const tags = [
    ...(assets.style ? [`<link rel="stylesheet" href="/${assets.style}">`] : []),
    `<script type="module" src="/${assets.script}"></script>`,
  ];
  return template.replace(MARKER, tags.join('\n    '));
}

export async function buildSite(options: { siteDir?: string; outDir?: string } = {}): Promise<SiteBuild> {
  const siteDir = options.siteDir ?? SITE_DIR;
  const outDir = options.outDir ?? DIST_DIR;
  // Start empty so an old bundle can never be deployed by accident.
  rmSync(outDir, { recursive: true, force: true });

  const result = await build({
    entryPoints: [path.join(siteDir, 'src', 'main.tsx')],
    outdir: outDir,
    // The hash changes whenever the content does, which is what lets CloudFront and browsers cache for a year.
    entryNames: 'assets/[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    minify: true,
    legalComments: 'none',
    // Generated code: keep repository-wide linters out of it.
    banner: { js: '/* Built by scripts/build-site.ts. */\n/* eslint-disable */' },
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'warning',
  });

  const files = Object.keys(result.metafile.outputs).map((file) => path.relative(outDir, path.resolve(file)).split(path.sep).join('/'));
  const script = files.find((f) => f.endsWith('.js'));
  const style = files.find((f) => f.endsWith('.css'));
  if (!script) throw new Error('esbuild produced no JavaScript bundle');

  const template = readFileSync(path.join(siteDir, 'index.html'), 'utf8');
  writeFileSync(path.join(outDir, 'index.html'), injectAssets(template, { script, style }));
  return { outDir, script, style, files: [...files, 'index.html'].sort() };
}

if (require.main === module) {
  buildSite()
    // stderr, so the message never mixes with a template printed by `cdk synth`.
    .then((site) => console.error(`Built ${site.files.join(', ')} into ${path.relative(process.cwd(), site.outDir)}/`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
