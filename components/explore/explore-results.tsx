'use client';

import type { Match } from '@/lib/search/engine';
import { highlight } from '@/lib/search/highlight';
import type { FacetDoc } from '@/lib/search/search-docs';
import { Highlighted } from '@/components/search/highlighted';
import { ComponentChips } from '@/components/component-chip';
import { KindBadge } from '@/components/kind-badge';
import { PatternThumb } from '@/components/pattern-thumb';

export type Result = { doc: FacetDoc; matches: Match[] };

function Field({ text, match }: { text: string; match?: Match }) {
  return <Highlighted parts={match ? highlight(match.value, match.indices) : [{ text, mark: false }]} />;
}

export function ExploreResults({ results, componentNames }: { results: Result[]; componentNames: Map<string, string> }) {
  return (
    <ol className="grid gap-4 sm:grid-cols-2" aria-label="Matching patterns">
      {results.map(({ doc, matches }) => {
        const reasons = [...new Set(matches.map((m) => m.label))];
        return (
          <li key={doc.slug} data-result={doc.slug} className="relative flex flex-col gap-2 rounded-xl border border-slate-200 p-4 dark:border-slate-800">
            {doc.thumbnail && <PatternThumb srcs={doc.thumbnail} />}
            <KindBadge kind={doc.kind[0] ?? 'pattern'} />
            <h3 className="text-lg font-semibold tracking-tight">
              <a
                href={`/patterns/${doc.slug}/`}
                className="after:absolute after:inset-0 after:rounded-xl hover:text-orange-700 dark:hover:text-orange-300"
              >
                <Field text={doc.title} match={matches.find((m) => m.field === 'title')} />
              </a>
            </h3>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              <Field text={doc.summary} match={matches.find((m) => m.field === 'summary')} />
            </p>
            <ComponentChips components={doc.component.map((id) => ({ id, name: componentNames.get(id) ?? id }))} className="relative z-10" />
            {reasons.length > 0 && (
              <p className="text-xs font-medium text-orange-800 dark:text-orange-300" data-reasons>
                Matched in {reasons.join(', ')}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
