// Prebuild: highlights every source listing the pattern pages show into the cache (lib/highlight-cache.ts)
// before `next build`, spread over every core. Next renders its pages in contiguous batches, one per
// worker, and the 60 pattern pages (nearly all the highlighting) sit in one batch: highlighting there
// kept one core busy while the other idled. A rebuild highlights only the files whose text changed.
//   tsx scripts/highlight-sources.ts            warm the cache, drop entries nothing uses
//   (internal) --worker                         highlight the texts given as JSON on stdin
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { getCatalog, getSourceFile } from '../lib/content';
import { languageOf } from '../lib/highlight';
import { highlightCache } from '../lib/highlight-cache';

/** One text to highlight: the workers get these, so they read no content themselves. */
type Text = { code: string; lang: string };

async function highlightAll(texts: readonly Text[]) {
  for (const { code, lang } of texts) await highlightCache.highlight(code, lang);
}

if (process.argv.includes('--worker')) {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  await highlightAll(JSON.parse(input) as Text[]);
  process.exit(0);
}

/** Shares of about equal size, largest texts first, so no worker is left with the long tail. */
function shares(texts: readonly Text[], n: number): Text[][] {
  const out = Array.from({ length: n }, () => ({ bytes: 0, items: [] as Text[] }));
  for (const text of [...texts].sort((a, b) => b.code.length - a.code.length)) {
    const least = out.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.items.push(text);
    least.bytes += text.code.length;
  }
  return out.map((s) => s.items).filter((items) => items.length);
}

function runWorker(items: Text[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--worker'], { stdio: ['pipe', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a highlighting worker exited with ${code}`))));
    child.stdin.end(JSON.stringify(items));
  });
}

const started = Date.now();
const listings = getCatalog().patterns.flatMap((p) => [
  ...p.sourceFiles.map((file) => ({ file, code: getSourceFile(p.slug, file, 'typescript') })),
  ...p.pythonFiles.map((file) => ({ file, code: getSourceFile(p.slug, file, 'python') })),
]);
// One entry per distinct text: the apps share files (cdk.json, requirements), which are highlighted once.
const texts = new Map(listings.map(({ file, code }) => ({ code, lang: languageOf(file) })).map((t) => [highlightCache.fileFor(t.code, t.lang), t]));
const todo = [...texts.values()].filter((t) => !highlightCache.has(t.code, t.lang));
// A worker costs about a second to start; a handful of changed files are quicker here.
const groups = todo.length > 50 ? shares(todo, availableParallelism()) : todo.length ? [todo] : [];
if (groups.length > 1) await Promise.all(groups.map(runWorker));
else await highlightAll(todo);
const pruned = highlightCache.prune(new Set(texts.keys()));
console.log(
  `Highlighting: ${listings.length} listings; highlighted ${todo.length} new text(s)${groups.length > 1 ? ` on ${groups.length} workers` : ''}, ` +
    `${pruned} unused cache entr${pruned === 1 ? 'y' : 'ies'} removed (${((Date.now() - started) / 1000).toFixed(1)} s).`,
);
