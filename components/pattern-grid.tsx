import { PatternCard } from '@/components/pattern-card';
import { ReviewSummaryLine } from '@/components/pattern-review';
import { type Catalog, type Pattern, getSynthOutput } from '@/lib/content';
import { resolveComponents } from '@/lib/indexes';

type Props = { catalog: Catalog; patterns: readonly Pattern[]; columns?: 2 | 3; showDate?: boolean };

/** Cards for a list of patterns, each with its component chips resolved from the registry. */
export function PatternGrid({ catalog, patterns, columns = 2, showDate = false }: Props) {
  return (
    <div className={`grid gap-4 sm:grid-cols-2 ${columns === 3 ? 'lg:grid-cols-3' : ''}`}>
      {patterns.map((p) => (
        <PatternCard
          key={p.slug}
          pattern={p}
          components={resolveComponents(catalog, p.components)}
          review={<ReviewSummaryLine synth={getSynthOutput(p)} />}
          showDate={showDate}
        />
      ))}
    </div>
  );
}
