// Browser side: fetches the index and Fuse.js on first use, once per page view.
import type { Searcher } from './engine';
import type { SearchDoc } from './search-docs';

let pending: Promise<Searcher> | undefined;

export function loadSearcher(): Promise<Searcher> {
  pending ??= Promise.all([
    import('./engine'),
    fetch('/search-index.json').then(async (r) => {
      if (!r.ok) throw new Error(`search index: HTTP ${r.status}`);
      const data: { docs: SearchDoc[] } = await r.json();
      return data.docs;
    }),
  ])
    .then(([engine, docs]) => engine.createSearcher(docs))
    .catch((error: unknown) => {
      pending = undefined; // let the next keystroke try again
      throw error;
    });
  return pending;
}
