import { PatternCard } from '@/components/pattern-card';
import { ReviewSummaryLine } from '@/components/pattern-review';
import { type Catalog, type Pattern, getSynthOutput } from '@/lib/content';
import { resolveComponents } from '@/lib/indexes';

/** Cards for a list of patterns, each with its component chips resolved from the registry. */
export function PatternGrid({ catalog, patterns, columns = 2 }: { catalog: Catalog; patterns: readonly Pattern[]; columns?: 2 | 3 }) {
  return (
    <div className={`grid gap-4 ${columns === 3 ? 'md:grid-cols-3' : 'md:grid-cols-2'}`}>
      {patterns.map((p) => (
        <PatternCard
          key={p.slug}
          pattern={p}
          components={resolveComponents(catalog, p.components)}
          review={<ReviewSummaryLine synth={getSynthOutput(p)} />}
        />
      ))}
    </div>
  );
}
