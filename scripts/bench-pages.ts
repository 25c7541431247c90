// Page weight benchmark over the exported site (run after `npm run build`):
// HTML and first-load JavaScript per page, raw and gzipped. A benchmark, not a test.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const out = 'out';
if (!existsSync(join(out, 'index.html'))) {
  console.error('No out/ folder: run "npm run build" first.');
  process.exit(1);
}

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name.startsWith('_next') || name === 'diagrams' ? [] : pages(full);
    return name === 'index.html' ? [full] : [];
  });
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const gz = (b: Buffer | string) => gzipSync(b).length;
const rows = pages(out).map((file) => {
  const html = readFileSync(file);
  const scripts = [...html.toString().matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
  const js = scripts.reduce((sum, src) => sum + gz(readFileSync(join(out, src.replace(/^\//, '')))), 0);
  const route = `/${relative(out, file).replace(/index\.html$/, '')}`;
  return { route, html: html.length, htmlGz: gz(html), js, mermaid: scripts.some((s) => /mermaid/i.test(readFileSync(join(out, s.replace(/^\//, '')), 'utf8').slice(0, 200000))) };
});

rows.sort((a, b) => b.htmlGz - a.htmlGz);
const show = rows.filter((r) => !r.route.startsWith('/components/') || r.route === '/components/');
console.log('route'.padEnd(40), 'html'.padStart(12), 'html gz'.padStart(12), 'first-load js gz'.padStart(18));
for (const r of show) console.log(r.route.padEnd(40), kib(r.html).padStart(12), kib(r.htmlGz).padStart(12), kib(r.js).padStart(18), r.mermaid ? ' (ships Mermaid!)' : '');
const componentPages = rows.filter((r) => r.route.startsWith('/components/') && r.route !== '/components/');
console.log(`… and ${componentPages.length} component pages, largest ${kib(Math.max(...componentPages.map((r) => r.htmlGz)))} gz`);
const diagrams = readdirSync(join(out, 'diagrams')).map((f) => readFileSync(join(out, 'diagrams', f)));
console.log(`diagrams: ${diagrams.length} SVG files, largest ${kib(Math.max(...diagrams.map((d) => d.length)))} raw / ${kib(Math.max(...diagrams.map(gz)))} gz`);
