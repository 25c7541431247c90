'use client';

import { useEffect, useState } from 'react';
import type { Hit } from '@/lib/search/engine';
import { loadSearcher } from '@/lib/search/load-searcher';

export type SearchStatus = 'idle' | 'loading' | 'ready' | 'error';
type Outcome = { query: string; hits: Hit[]; failed: boolean };

/** Runs a query against the lazily loaded index; `enabled` false keeps Fuse.js unloaded. */
export function useSearch(query: string, enabled: boolean, limit = 8): { hits: Hit[]; status: SearchStatus } {
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    loadSearcher()
      .then((search) => live && setOutcome({ query, hits: search(query, limit), failed: false }))
      .catch(() => live && setOutcome({ query, hits: [], failed: true }));
    return () => {
      live = false;
    };
  }, [query, enabled, limit]);

  if (!enabled) return { hits: [], status: 'idle' };
  // Until the new query's answer arrives, the previous hits stay up rather than flashing empty.
  const status: SearchStatus = outcome?.query !== query ? 'loading' : outcome.failed ? 'error' : 'ready';
  return { hits: outcome?.hits ?? [], status };
}
