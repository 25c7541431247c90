'use client';

import { useCallback, useMemo } from 'react';
import { useClientValue, useHydrated } from '@/components/use-hydrated';
import { type ExploreState, type FacetOptions, parseExploreState, serializeExploreState } from '@/lib/search/facets';

// The URL is the store: this event tells subscribers that pushState/replaceState changed it.
const CHANGE = 'explore:urlchange';

function subscribe(onChange: () => void) {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

let typing = false;

/**
 * The explore view's state lives in the URL: every change writes it, back and forward
 * read it. Facet clicks push a history entry; typing replaces the current one, so Back
 * does not step through a query letter by letter.
 */
export function useExploreState(options: FacetOptions) {
  const search = useClientValue(subscribe, () => window.location.search, '');
  const ready = useHydrated();
  const { state, ignored } = useMemo(() => parseExploreState(search, options), [search, options]);

  const commit = useCallback(
    (next: ExploreState, how: 'push' | 'type') => {
      const url = `${window.location.pathname}${serializeExploreState(next, options)}`;
      if (how === 'type' && typing) window.history.replaceState(null, '', url);
      else window.history.pushState(null, '', url);
      typing = how === 'type';
      window.dispatchEvent(new Event(CHANGE));
    },
    [options],
  );

  return { state, ignored, ready, commit };
}
