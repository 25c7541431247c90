'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';

/**
 * False in the static HTML and in the render that hydrates it, true from the next render on.
 * Written with an effect rather than useSyncExternalStore's server snapshot because the islands
 * hydrate with Preact, which has no server snapshot: the first client render must match the HTML.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  // The one render this cascades is the point: it swaps the static HTML's state for the live one.
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** An external value (the URL, the theme) that the static HTML cannot know: `fallback` until hydrated. */
export function useClientValue<T>(subscribe: (onChange: () => void) => () => void, read: () => T, fallback: T): T {
  const hydrated = useHydrated();
  const value = useSyncExternalStore(subscribe, read, () => fallback);
  return hydrated ? value : fallback;
}
