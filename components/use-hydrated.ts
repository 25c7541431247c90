'use client';

import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/** False in the static HTML and during hydration, true once the page is interactive. */
export function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}
