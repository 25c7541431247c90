'use client';

import { FACET_KEYS, FACET_LABELS, type ExploreState, type FacetOptions, emptyFilters, toggleValue } from '@/lib/search/facets';

type Props = { state: ExploreState; options: FacetOptions; onChange: (next: ExploreState) => void; empty?: boolean };

/** What is asked, each part removable in one click; also the empty state's way out. */
export function ActiveFilters({ state, options, onChange, empty }: Props) {
  const label = (key: (typeof FACET_KEYS)[number], value: string) => options[key].find((o) => o.value === value)?.label ?? value;
  const chips = [
    ...(state.q.trim() ? [{ id: 'q', text: `“${state.q.trim()}”`, clear: () => onChange({ ...state, q: '' }) }] : []),
    ...FACET_KEYS.flatMap((key) =>
      state.filters[key].map((value) => ({
        id: `${key}=${value}`,
        text: `${FACET_LABELS[key]}: ${label(key, value)}`,
        clear: () => onChange(toggleValue(state, key, value)),
      })),
    ),
  ];
  return (
    <div className={empty ? 'rounded-xl border border-dashed border-slate-300 p-6 dark:border-slate-700' : 'mb-6'} data-empty={empty || undefined}>
      {empty && (
        <p className="mb-3 font-medium">
          No pattern matches {chips.map((c) => c.text).join(' and ')}. Remove a filter to widen the search:
        </p>
      )}
      <ul className="flex flex-wrap gap-2" aria-label={empty ? 'Remove a filter' : 'Active filters'}>
        {chips.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              onClick={c.clear}
              className="min-h-11 rounded-full border border-slate-300 px-3 py-1 text-xs hover:border-orange-500 lg:min-h-0 dark:border-slate-700"
              aria-label={`Remove ${c.text}`}
            >
              {c.text} <span aria-hidden>×</span>
            </button>
          </li>
        ))}
        {chips.length > 1 && (
          <li>
            <button type="button" onClick={() => onChange({ q: '', filters: emptyFilters() })} className="min-h-11 px-2 py-1 text-xs underline lg:min-h-0">
              Clear all
            </button>
          </li>
        )}
      </ul>
    </div>
  );
}
