// Page weight benchmark over the exported site (run after `npm run build`): HTML and first-load
// JavaScript per page type, raw and gzipped, against the budgets check:pages enforces. Then the
// Lighthouse comparison (bench-lighthouse.ts). A benchmark, not a test: it prints numbers.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { budgetFor, firstLoadScripts, routeOf } from '@/lib/islands/page-weight';

const OUT = 'out';
if (!existsSync(path.join(OUT, 'index.html'))) {
  console.error('No out/ folder: run "npm run build" first.');
  process.exit(1);
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const gz = (b: Buffer | string) => gzipSync(b).length;

/** A page's type: what the site has one template for. */
function typeOf(route: string): string {
  if (route === '/') return 'home';
  if (route === '/patterns/') return 'A–Z and explore';
  if (route.startsWith('/patterns/anti-')) return 'anti-pattern page';
  if (route.startsWith('/patterns/')) return 'pattern page';
  if (route === '/components/') return 'components index';
  if (route.startsWith('/components/')) return 'component page';
  if (route.startsWith('/well-architected/')) return 'well-architected';
  if (route.startsWith('/about/')) return 'about';
  return 'other (404)';
}

const rows = readdirSync(OUT, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.html') && !f.startsWith('_'))
  .map((file) => {
    const html = readFileSync(path.join(OUT, file));
    const scripts = firstLoadScripts(html.toString());
    const js = scripts.reduce((sum, src) => sum + gz(readFileSync(path.join(OUT, src))), 0);
    const route = routeOf(file.split(path.sep).join('/'));
    return { route, type: typeOf(route), html: html.length, htmlGz: gz(html), js, scripts: scripts.length };
  });

console.log('Per page type (largest page of each type; first-load JS is the sum of each file gzipped):');
console.log(`${'type'.padEnd(20)} ${'pages'.padStart(5)}  ${'largest page'.padEnd(42)} ${'html'.padStart(10)} ${'html gz'.padStart(10)} ${'js gz'.padStart(9)} ${'files'.padStart(5)} ${'budget'.padStart(9)}`);
for (const type of [...new Set(rows.map((r) => r.type))].sort()) {
  const ofType = rows.filter((r) => r.type === type);
  const largest = ofType.reduce((a, b) => (b.html > a.html ? b : a));
  const mostJs = Math.max(...ofType.map((r) => r.js));
  console.log(
    `${type.padEnd(20)} ${String(ofType.length).padStart(5)}  ${largest.route.padEnd(42)} ${kib(largest.html).padStart(10)} ${kib(largest.htmlGz).padStart(10)} ${kib(mostJs).padStart(9)} ${String(largest.scripts).padStart(5)} ${kib(budgetFor(largest.route)).padStart(9)}`,
  );
}
const total = rows.reduce((s, r) => s + r.html, 0);
console.log(`${rows.length} pages, ${kib(total)} of HTML in all`);
const diagrams = readdirSync(path.join(OUT, 'diagrams')).filter((f) => f.endsWith('.svg')).map((f) => readFileSync(path.join(OUT, 'diagrams', f)));
console.log(`diagrams: ${diagrams.length} SVG files, largest ${kib(Math.max(...diagrams.map((d) => d.length)))} raw / ${kib(Math.max(...diagrams.map(gz)))} gz`);
