'use client';

import { useEffect, useState } from 'react';
import type { FacetDoc } from '@/lib/search/search-docs';

let pending: Promise<FacetDoc[]> | undefined;

/** The explore view's documents, fetched once per page view; undefined until they arrive. */
export function useFacetDocs(url: string): { docs: FacetDoc[] | undefined; failed: boolean } {
  const [outcome, setOutcome] = useState<{ docs?: FacetDoc[]; failed: boolean }>({ failed: false });
  useEffect(() => {
    let live = true;
    pending ??= fetch(url).then(async (r) => {
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return ((await r.json()) as { docs: FacetDoc[] }).docs;
    });
    pending.then(
      (docs) => live && setOutcome({ docs, failed: false }),
      () => {
        pending = undefined; // a later visit to the view may try again
        if (live) setOutcome({ failed: true });
      },
    );
    return () => {
      live = false;
    };
  }, [url]);
  return { docs: outcome.docs, failed: outcome.failed };
}
