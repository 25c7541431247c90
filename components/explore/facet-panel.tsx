'use client';

import { FACET_KEYS, FACET_LABELS, type ExploreState, type FacetKey, type FacetOption, type FacetOptions } from '@/lib/search/facets';

type Props = {
  state: ExploreState;
  options: FacetOptions;
  counts: Record<FacetKey, Map<string, number>>;
  onToggle: (key: FacetKey, value: string) => void;
};

/** Long facets open only when in use, so the panel stays scannable. */
const COLLAPSED: readonly FacetKey[] = ['question', 'practice'];

export function FacetPanel({ state, options, counts, onToggle }: Props) {
  return (
    <div className="space-y-5">
      {FACET_KEYS.filter((k) => options[k].length > 0).map((key) => {
        const selected = state.filters[key].length;
        const body = <FacetValues facet={key} values={options[key]} state={state} counts={counts[key]} onToggle={onToggle} />;
        return COLLAPSED.includes(key) ? (
          <details key={key} open={selected > 0} className="group">
            <summary className="cursor-pointer py-3 text-sm font-semibold lg:py-0">
              {FACET_LABELS[key]}
              {selected ? ` (${selected})` : ''}
            </summary>
            <div className="mt-2">{body}</div>
          </details>
        ) : (
          <div key={key}>{body}</div>
        );
      })}
    </div>
  );
}

function FacetValues({
  facet,
  values,
  state,
  counts,
  onToggle,
}: {
  facet: FacetKey;
  values: FacetOption[];
  state: ExploreState;
  counts: Map<string, number>;
  onToggle: (key: FacetKey, value: string) => void;
}) {
  const groups = [...new Set(values.map((v) => v.group ?? ''))];
  return (
    <fieldset>
      <legend className={COLLAPSED.includes(facet) ? 'sr-only' : 'text-sm font-semibold'}>{FACET_LABELS[facet]}</legend>
      {groups.map((group) => (
        <div key={group} className="mt-1.5">
          {group && <p className="mt-2 text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{group}</p>}
          <ul className="mt-1 space-y-0.5">
            {values
              .filter((v) => (v.group ?? '') === group)
              .map((v) => {
                const checked = state.filters[facet].includes(v.value);
                const count = counts.get(v.value) ?? 0;
                const id = `facet-${facet}-${v.value}`;
                return (
                  <li key={v.value} className="flex min-h-7 items-center gap-2 text-sm lg:items-start">
                    <input
                      id={id}
                      type="checkbox"
                      checked={checked}
                      disabled={!checked && count === 0}
                      onChange={() => onToggle(facet, v.value)}
                      data-facet={facet}
                      data-value={v.value}
                      className="h-5 w-5 shrink-0 accent-orange-600 lg:mt-0.5"
                    />
                    {/* On phones the label is a 44 px row, so the whole row is the touch target. */}
                    <label htmlFor={id} className={`flex min-h-11 flex-1 items-center lg:block lg:min-h-0 ${!checked && count === 0 ? 'text-slate-500 dark:text-slate-400' : ''}`}>
                      {v.label} <span className="tabular-nums text-slate-600 dark:text-slate-400">({count})</span>
                    </label>
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </fieldset>
  );
}
