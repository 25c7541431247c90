// Search benchmark: index size, build time and query latency for the real catalog and for
// synthetic catalogs of 1,000 and 5,000 patterns. A benchmark, not a test: it prints numbers.
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { loadCatalog, defaultPaths } from '../lib/content/load';
import { createSearcher } from '../lib/search/engine';
import { buildSearchDocs, type SearchDoc } from '../lib/search/search-docs';

export const BENCH_QUERIES = [
  'webhook', 'dynamo', 'dynamo streemer', 'circuit breaker', 'circut braker', 'sqs', 'step functions', 'sfn',
  'apigw', 'reliability', 'REL 2.1', 'throttle', 'eventbridge etl', 'jeremy daly', 'graphql', 'waf rate limit',
  'lambda destinations', 'fan out', 'polly translate', 'kinesis',
];

/** Deterministic PRNG so every run measures the same synthetic catalog. */
function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export function syntheticDocs(real: readonly SearchDoc[], n: number): SearchDoc[] {
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const words = [...new Set(real.flatMap((d) => `${d.title} ${d.summary}`.split(/\W+/)).filter((w) => w.length > 3))];
  return Array.from({ length: n }, (_, i) => {
    const base = pick(real);
    const title = `The ${pick(words)} ${pick(words)} ${i}`;
    return {
      ...base,
      slug: `synthetic-${i}`,
      title,
      summary: Array.from({ length: 18 }, () => pick(words)).join(' ') + '.',
      excerpt: Array.from({ length: 60 }, () => pick(words)).join(' ').slice(0, 400),
    };
  });
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;

export function benchSearch(label: string, docs: SearchDoc[], rounds = 5) {
  const json = JSON.stringify(docs);
  const t0 = performance.now();
  const search = createSearcher(docs);
  const buildMs = performance.now() - t0;
  for (const q of BENCH_QUERIES) search(q); // warm-up: JIT, lazily built searchers
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of BENCH_QUERIES) {
      const s = performance.now();
      search(q);
      times.push(performance.now() - s);
    }
  }
  return {
    catalog: label,
    patterns: docs.length,
    'index raw': `${(json.length / 1024).toFixed(1)} KiB`,
    'index gzip': `${(gzipSync(json).length / 1024).toFixed(1)} KiB`,
    build: ms(buildMs),
    p50: ms(pct(times, 50)),
    p95: ms(pct(times, 95)),
    max: ms(Math.max(...times)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const real = buildSearchDocs(loadCatalog(defaultPaths(), { requireDiagrams: false }));
  console.table([
    benchSearch('real', real),
    benchSearch('synthetic', syntheticDocs(real, 1000)),
    benchSearch('synthetic', syntheticDocs(real, 5000), 3),
  ]);
  console.log(`Queries (${BENCH_QUERIES.length}): ${BENCH_QUERIES.join(' · ')}`);
}
