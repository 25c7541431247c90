// Prebuild: highlights every source listing the pattern pages show into the cache (lib/highlight-cache.ts)
// before `next build`, spread over every core. Next renders its pages in contiguous batches, one per
// worker, and the 60 pattern pages (nearly all the highlighting) sit in one batch: highlighting there
// kept one core busy while the other idled. A rebuild highlights only the files whose text changed.
//   tsx scripts/highlight-sources.ts            warm the cache, drop entries nothing uses
//   (internal) --worker                         highlight the listings given as JSON on stdin
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { getCatalog, getSourceFile } from '../lib/content';
import { languageOf } from '../lib/highlight';
import { highlightCache } from '../lib/highlight-cache';

type Listing = { slug: string; language: 'typescript' | 'python'; file: string };
const codeOf = (l: Listing) => getSourceFile(l.slug, l.file, l.language);

async function highlightAll(listings: readonly Listing[]) {
  for (const l of listings) await highlightCache.highlight(codeOf(l), languageOf(l.file));
}

if (process.argv.includes('--worker')) {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  await highlightAll(JSON.parse(input) as Listing[]);
  process.exit(0);
}

/** Shares of about equal size, largest files first, so no worker is left with the long tail. */
function shares(listings: readonly Listing[], n: number): Listing[][] {
  const out = Array.from({ length: n }, () => ({ bytes: 0, items: [] as Listing[] }));
  for (const l of [...listings].sort((a, b) => codeOf(b).length - codeOf(a).length)) {
    const least = out.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.items.push(l);
    least.bytes += codeOf(l).length;
  }
  return out.map((s) => s.items).filter((items) => items.length);
}

function runWorker(items: Listing[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--worker'], { stdio: ['pipe', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a highlighting worker exited with ${code}`))));
    child.stdin.end(JSON.stringify(items));
  });
}

const started = Date.now();
const listings: Listing[] = getCatalog().patterns.flatMap((p) => [
  ...p.sourceFiles.map((file) => ({ slug: p.slug, language: 'typescript' as const, file })),
  ...p.pythonFiles.map((file) => ({ slug: p.slug, language: 'python' as const, file })),
]);
// One entry per distinct text: the apps share files (cdk.json, requirements), which are highlighted once.
const todo = [...new Map(listings.map((l) => [highlightCache.fileFor(codeOf(l), languageOf(l.file)), l])).values()].filter((l) => !highlightCache.has(codeOf(l), languageOf(l.file)));
// A worker costs about a second to start; a handful of changed files are quicker here.
const groups = todo.length > 50 ? shares(todo, availableParallelism()) : todo.length ? [todo] : [];
if (groups.length > 1) await Promise.all(groups.map(runWorker));
else await highlightAll(todo);
const pruned = highlightCache.prune(new Set(listings.map((l) => highlightCache.fileFor(codeOf(l), languageOf(l.file)))));
console.log(
  `Highlighting: ${listings.length} listings; highlighted ${todo.length} new text(s)${groups.length > 1 ? ` on ${groups.length} workers` : ''}, ` +
    `${pruned} unused cache entr${pruned === 1 ? 'y' : 'ies'} removed (${((Date.now() - started) / 1000).toFixed(1)} s).`,
);
