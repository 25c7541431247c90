// `npm run check:pages`, part of `npm test` after the build: every exported page is plain, valid
// HTML. No page ships Next's runtime or its RSC payload (the content a second time), none loads more
// JavaScript up front than its budget, every inline script is one the site's CSP allows (so no
// page breaks under the headers CloudFront sends), and the W3C Nu HTML Checker (vnu-jar) finds no error.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { budgetFor, firstLoadScripts, frameworkLeftovers, routeOf } from '@/lib/islands/page-weight';
import { blockedInlineScripts, CONTENT_SECURITY_POLICY } from '@/lib/security-headers';

const OUT = 'out';
// The package's main export is the path of vnu.jar (a String object).
const VNU_JAR = String(createRequire(import.meta.url)('vnu-jar'));
if (!existsSync(path.join(OUT, 'index.html'))) {
  console.error('✖ check:pages: no built site in out/. Run "npm run build" first.');
  process.exit(1);
}

const all = readdirSync(OUT, { recursive: true, encoding: 'utf8' }).map((f) => f.split(path.sep).join('/'));
const pages = all.filter((f) => f.endsWith('.html'));
const problems: string[] = [];

for (const file of all.filter((f) => /(^|\/)(index|__next\.[^/]*)\.txt$/.test(f))) problems.push(`${file}: an RSC payload file is still in out/`);
for (const file of all.filter((f) => f.startsWith('_next/') && f.endsWith('.js'))) problems.push(`${file}: a Next.js script is still in out/`);

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
for (const file of pages) {
  const html = readFileSync(path.join(OUT, file), 'utf8');
  for (const leftover of frameworkLeftovers(html)) problems.push(`${file}: ships ${leftover}`);
  for (const script of blockedInlineScripts(html, CONTENT_SECURITY_POLICY)) {
    problems.push(`${file}: the Content-Security-Policy (lib/security-headers.ts) blocks the inline script ${script}; add its text to INLINE_SCRIPTS or move it to a file`);
  }
  const route = routeOf(file);
  let js = 0;
  for (const src of firstLoadScripts(html)) {
    const script = path.join(OUT, src);
    if (!existsSync(script)) problems.push(`${file}: loads ${src}, which is not in out/`);
    else js += gzipSync(readFileSync(script)).length;
  }
  if (js > budgetFor(route)) problems.push(`${file}: loads ${kib(js)} of JavaScript gzipped up front; the budget for ${route} is ${kib(budgetFor(route))}`);
}

// One JVM for every page: the checker's start-up is most of its cost.
const validator = spawnSync('java', ['-Xss4m', '-jar', VNU_JAR, '--errors-only', '--format', 'json', ...pages.map((p) => path.join(OUT, p))], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (validator.error) {
  problems.push(`the HTML validator could not run (${validator.error.message}); it needs Java 11 or later on the PATH`);
} else {
  const { messages } = JSON.parse(validator.stderr || '{"messages":[]}') as { messages: { url?: string; lastLine?: number; message: string; type: string }[] };
  for (const m of messages) {
    const file = m.url ? path.relative(OUT, decodeURIComponent(new URL(m.url).pathname)) : '(validator)';
    problems.push(`${file}${m.lastLine ? `:${m.lastLine}` : ''}: ${m.type === 'error' ? '' : `${m.type}: `}${m.message}`);
  }
}

if (problems.length) {
  console.error(`✖ check:pages: ${problems.length} problem(s) in the built pages:\n  ${problems.slice(0, 200).join('\n  ')}`);
  process.exit(1);
}
console.log(`✔ check:pages: ${pages.length} pages are valid HTML with no framework runtime and no inline script the CSP blocks, each within its JavaScript budget`);
