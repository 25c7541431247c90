// The fuzzy search itself. Imported only through a dynamic import, so Fuse.js stays out of
// every page's first-load JavaScript.
import Fuse, { type FuseResultMatch, type IFuseOptions } from 'fuse.js';
import { SEARCH_KEYS, type SearchField } from './fields';
import type { SearchDoc } from './search-docs';
import { createWordIndex } from './word-index';

export const FIELD_LABELS: Record<SearchField, string> = {
  title: 'title',
  aliases: 'component',
  components: 'component',
  summary: 'summary',
  wellArchitected: 'Well-Architected',
  creators: 'creator',
  headings: 'section',
  excerpt: 'text',
};

export const FUSE_OPTIONS: IFuseOptions<SearchDoc> = {
  keys: SEARCH_KEYS,
  includeMatches: true,
  includeScore: true,
  ignoreLocation: true,
  threshold: 0.34,
  minMatchCharLength: 2,
};

export type Match = { field: SearchField; label: string; value: string; indices: [number, number][] };
export type Hit = { doc: SearchDoc; score: number; matches: Match[] };

function isField(key: string | undefined): key is SearchField {
  return SEARCH_KEYS.some((k) => k.name === key);
}

function toMatch(m: FuseResultMatch): Match[] {
  if (!isField(m.key) || m.value === undefined) return [];
  // Fuzzy matching marks stray single letters; only runs of 2+ characters are worth highlighting.
  const indices = m.indices.filter(([a, b]) => b > a).map(([a, b]): [number, number] => [a, b]);
  return [{ field: m.key, label: FIELD_LABELS[m.key], value: m.value, indices }];
}

/** Field order of the keys, heaviest first: the reason shown first is the one that counted most. */
function byWeight(a: Match, b: Match): number {
  return SEARCH_KEYS.findIndex((k) => k.name === a.field) - SEARCH_KEYS.findIndex((k) => k.name === b.field);
}

export type Searcher = (query: string, limit?: number) => Hit[];

export function normalizeQuery(query: string, maxChars = 100): string {
  return query.replace(/\s+/g, ' ').trim().slice(0, maxChars);
}

/** Up to this many patterns, every query scans the whole catalog with Fuse directly. */
export const DIRECT_SEARCH_MAX_DOCS = 200;
/** Above it, Fuse ranks only this many candidates picked from the word index. */
export const CANDIDATES = 24;

function rank(fuse: Fuse<SearchDoc>, q: string, limit: number): Hit[] {
  return fuse.search(q, { limit }).map((r) => ({
    doc: r.item,
    score: r.score ?? 1,
    matches: (r.matches ?? []).flatMap(toMatch).sort(byWeight),
  }));
}

export function createSearcher(docs: readonly SearchDoc[]): Searcher {
  if (docs.length <= DIRECT_SEARCH_MAX_DOCS) {
    const fuse = new Fuse(docs, FUSE_OPTIONS);
    return (query, limit = 20) => {
      const q = normalizeQuery(query);
      return q.length < 2 ? [] : rank(fuse, q, limit);
    };
  }
  // Fuse scans every character of every document; at thousands of patterns that is far
  // slower than a keystroke. So a word index picks likely candidates first (fuzzily, with
  // Fuse over the vocabulary), and Fuse scores and highlights only those.
  const words = createWordIndex(docs);
  return (query, limit = 20) => {
    const q = normalizeQuery(query);
    if (q.length < 2) return [];
    const candidates = words.candidates(q, CANDIDATES);
    return rank(new Fuse(candidates, FUSE_OPTIONS), q, limit);
  };
}
