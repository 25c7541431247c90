// The searchable fields and their weights, shared by the ranking (Fuse) and the word index.
import type { SearchDoc } from './search-docs';

export type SearchField = Exclude<keyof SearchDoc, 'slug'>;

/** A title hit outranks a component or summary hit, which outranks the body. */
export const SEARCH_KEYS: { name: SearchField; weight: number }[] = [
  { name: 'title', weight: 10 },
  { name: 'aliases', weight: 5 },
  { name: 'components', weight: 5 },
  { name: 'summary', weight: 3 },
  { name: 'wellArchitected', weight: 2 },
  { name: 'creators', weight: 2 },
  { name: 'headings', weight: 1.5 },
  { name: 'excerpt', weight: 1 },
];
