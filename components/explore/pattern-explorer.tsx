'use client';

import { type ReactNode, useMemo } from 'react';
import { type FacetKey, type FacetOptions, MAX_QUERY_CHARS, facetCounts, filterDocs, hasActiveState, toggleValue } from '@/lib/search/facets';
import type { FacetDoc } from '@/lib/search/search-docs';
import { IslandSlot } from '@/components/island-slot';
import { useSearch } from '@/components/search/use-search';
import { ActiveFilters } from './active-filters';
import { ExploreResults, type Result } from './explore-results';
import { FacetPanel } from './facet-panel';
import { useExploreState } from './use-explore-state';
import { useFacetDocs } from './use-facet-docs';

const NO_DOCS: FacetDoc[] = [];

type Props = { docsUrl: string; options: FacetOptions; children?: ReactNode };

/**
 * Search and facets over the server-rendered A–Z list (the children). The list stays the
 * page's content without JavaScript; once a query or filter is active it gives way to results.
 */
export function PatternExplorer({ docsUrl, options, children }: Props) {
  const { state, ignored, ready: hydrated, commit } = useExploreState(options);
  const loaded = useFacetDocs(docsUrl);
  const docs = loaded.docs ?? NO_DOCS;
  // Filters work once hydrated and the documents are in; until then the A–Z list is the page.
  const ready = hydrated && loaded.docs !== undefined;
  const q = state.q.trim();
  const { hits, status } = useSearch(q, ready && q.length >= 2, docs.length);
  const componentNames = useMemo(() => new Map(options.component.map((o) => [o.value, o.label])), [options]);

  const searching = q.length >= 2;
  // While the index first loads there are no hits yet: filters and counts stay on the whole
  // catalog rather than greying everything out; later queries keep the previous hits meanwhile.
  const within = searching && (status === 'ready' || hits.length > 0) ? new Set(hits.map((h) => h.doc.slug)) : undefined;
  const filtered = filterDocs(docs, state.filters, within);
  const bySlug = new Map(filtered.map((d) => [d.slug, d]));
  const results: Result[] = searching
    ? hits.flatMap((h) => {
        const doc = bySlug.get(h.doc.slug);
        return doc ? [{ doc, matches: h.matches }] : [];
      })
    : filtered.map((doc) => ({ doc, matches: [] }));
  const counts = facetCounts(docs, state.filters, options, within);
  const active = ready && hasActiveState(state);
  const toggle = (key: FacetKey, value: string) => commit(toggleValue(state, key, value), 'push');

  return (
    <div className="lg:grid lg:grid-cols-[16rem_1fr] lg:gap-10">
      <aside aria-label="Filters" className="mb-8 lg:mb-0">
        <label htmlFor="explore-q" className="text-sm font-semibold">
          Search
        </label>
        <input
          id="explore-q"
          type="search"
          value={state.q}
          maxLength={MAX_QUERY_CHARS}
          disabled={!ready}
          onChange={(e) => commit({ ...state, q: e.target.value }, 'type')}
          placeholder="webhook, dynamo, saga…"
          className="mt-1 mb-6 w-full rounded-md border border-slate-300 px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        {ready && <FacetPanel state={state} options={options} counts={counts} onToggle={toggle} />}
      </aside>
      <div>
        <div role="status" data-explore-status className="mb-4 min-h-6 text-sm text-slate-700 dark:text-slate-300">
          {ignored.map((i) => (
            <p key={`${i.key}=${i.value}`} className="mb-1 rounded bg-amber-50 px-2 py-1 text-amber-900 dark:bg-amber-950 dark:text-amber-200" data-ignored>
              Ignored <code>{i.key}={i.value}</code>: it {i.why}.
            </p>
          ))}
          {active && (searching && status === 'loading' ? 'Searching…' : `${results.length} of ${docs.length} patterns`)}
          {searching && status === 'error' && ' Search could not load; filters still work.'}
          {loaded.failed && 'Filters could not load; every pattern is listed below.'}
        </div>
        {active && results.length > 0 && <ActiveFilters state={state} options={options} onChange={(next) => commit(next, 'push')} />}
        {active && results.length > 0 && <ExploreResults results={results} componentNames={componentNames} />}
        {active && results.length === 0 && status !== 'loading' && (
          <ActiveFilters empty state={state} options={options} onChange={(next) => commit(next, 'push')} />
        )}
        <IslandSlot hidden={active}>{children}</IslandSlot>
      </div>
    </div>
  );
}
