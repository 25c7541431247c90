import Link from 'next/link';
import type { PillarCoverage } from '@/lib/indexes';
import { PillarGlyph } from './pillar-glyph';

/** One tile per pillar: how much of it the catalog demonstrates, linking to the pillar on the lens page. */
export function LensCoverage({ rows }: { rows: readonly PillarCoverage[] }) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
      {rows.map(({ pillar, practices, practicesCovered, patternCount }) => (
        <li key={pillar.id} data-pillar={pillar.id}>
          <Link
            href={`/well-architected/#${pillar.id}`}
            className="flex h-full flex-col gap-2 rounded-xl border border-slate-200 p-4 hover:border-orange-400 dark:border-slate-800"
          >
            <span className="flex items-center gap-2 text-orange-700 dark:text-orange-300">
              <PillarGlyph id={pillar.id} />
              <span className="text-xs font-semibold">{pillar.code}</span>
            </span>
            <span className="font-semibold">{pillar.name}</span>
            <span className="mt-auto text-sm text-slate-600 dark:text-slate-400">
              <span data-practices-covered={practicesCovered} data-practices={practices}>
                {practicesCovered} of {practices} practices
              </span>
              <span aria-hidden="true" className="mt-1 block h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800">
                <span className="block h-full rounded-full bg-orange-600" style={{ width: `${practices ? (100 * practicesCovered) / practices : 0}%` }} />
              </span>
              <span className="mt-1 block" data-pattern-count={patternCount}>
                {patternCount} pattern{patternCount === 1 ? '' : 's'}
              </span>
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
