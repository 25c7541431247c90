// A candidate picker for large catalogs: an inverted index from words to the patterns that
// use them, searched fuzzily through the (much smaller) vocabulary.
import Fuse from 'fuse.js';
import { SEARCH_KEYS } from './fields';
import type { SearchDoc } from './search-docs';

const WORD = /[\p{L}\p{N}]+/gu;

export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Vocabulary words considered per query word: enough for typos, few enough to stay fast. */
const WORDS_PER_TERM = 12;

type Posting = { docs: Int32Array; weights: Float32Array };

export function createWordIndex(docs: readonly SearchDoc[]) {
  const build = new Map<string, Map<number, number>>();
  docs.forEach((doc, i) => {
    // Same emphasis as the ranking, so the candidates are the patterns the ranking would favour.
    for (const { name, weight } of SEARCH_KEYS) {
      const value = doc[name];
      for (const w of words(Array.isArray(value) ? value.join(' ') : value)) {
        let byDoc = build.get(w);
        if (!byDoc) build.set(w, (byDoc = new Map()));
        byDoc.set(i, Math.max(byDoc.get(i) ?? 0, weight));
      }
    }
  });
  // Typed arrays: the per-query loop touches thousands of postings and must not allocate.
  const postings = new Map<string, Posting>();
  for (const [w, byDoc] of build) {
    postings.set(w, { docs: Int32Array.from(byDoc.keys()), weights: Float32Array.from(byDoc.values()) });
  }
  const vocabulary = [...postings.keys()];
  const options = { includeScore: true, ignoreLocation: true, threshold: 0.34, minMatchCharLength: 2 };
  // People rarely mistype a word's first letter, so each word is looked up among the words
  // sharing its first letter (a twentieth of the vocabulary), and the whole vocabulary only
  // when that finds nothing.
  const byInitial = new Map<string, string[]>();
  for (const w of vocabulary) byInitial.set(w[0]!, [...(byInitial.get(w[0]!) ?? []), w]);
  const buckets = new Map([...byInitial].map(([initial, ws]) => [initial, new Fuse(ws, options)]));
  const everything = new Fuse(vocabulary, options);
  const similarWords = (term: string) => {
    const near = buckets.get(term[0]!)?.search(term, { limit: WORDS_PER_TERM }) ?? [];
    return near.length ? near : everything.search(term, { limit: WORDS_PER_TERM });
  };
  const scores = new Float64Array(docs.length);

  return {
    vocabularySize: vocabulary.length,
    candidates(query: string, max: number): SearchDoc[] {
      scores.fill(0);
      for (const term of new Set(words(query))) {
        if (term.length < 2) continue;
        for (const hit of similarWords(term)) {
          const closeness = 1 - (hit.score ?? 1);
          const p = postings.get(hit.item)!;
          for (let j = 0; j < p.docs.length; j++) scores[p.docs[j]!]! += p.weights[j]! * closeness;
        }
      }
      const hits: number[] = [];
      for (let i = 0; i < scores.length; i++) if (scores[i]! > 0) hits.push(i);
      return hits
        .sort((a, b) => scores[b]! - scores[a]!)
        .slice(0, max)
        .map((i) => docs[i]!);
    },
  };
}
