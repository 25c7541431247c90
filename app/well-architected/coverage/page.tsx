import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { getCatalog } from '@/lib/content';
import { byName, coverageRows, lensAnchor } from '@/lib/indexes';
import { pageMetadata } from '@/lib/page-meta';

export const metadata: Metadata = pageMetadata({ title: 'Serverless Lens coverage', path: '/well-architected/coverage/', description: 'How much of the Serverless Lens the catalog covers, pillar by pillar and practice by practice.' });

export default function CoveragePage() {
  const catalog = getCatalog();
  const patterns = byName(catalog.patterns);
  const rows = coverageRows(catalog);
  const practices = rows.filter((r) => r.kind === 'practice');
  const gaps = practices.filter((r) => r.slugs.size === 0);
  return (
    <>
      <PageHeader eyebrow="Well-Architected" title="Serverless Lens coverage">
        <p>
          Every question and best practice of the lens against every pattern. {practices.length - gaps.length} of {practices.length}{' '}
          practices are demonstrated by at least one pattern; the {gaps.length} marked <strong>not yet demonstrated</strong> are
          where a new pattern would teach something the catalog cannot yet.
        </p>
        <p className="mt-2">
          <Link href="/well-architected/" className="underline">
            Back to the lens, question by question
          </Link>
        </p>
      </PageHeader>
      <div role="region" aria-label="Coverage matrix" tabIndex={0} className="max-h-[80vh] overflow-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="border-collapse text-sm" data-coverage>
          <caption className="sr-only">Patterns (columns) demonstrating each Serverless Lens question and practice (rows)</caption>
          <thead className="sticky top-0 z-10 bg-white dark:bg-slate-950">
            <tr>
              <th scope="col" className="sticky left-0 z-20 min-w-72 bg-white p-2 text-left align-bottom dark:bg-slate-950">
                Question or practice
              </th>
              {patterns.map((p) => (
                <th key={p.slug} scope="col" className="p-1 align-bottom font-medium">
                  <Link href={`/patterns/${p.slug}/`} className="block max-h-48 whitespace-nowrap [writing-mode:vertical-rl] rotate-180 hover:text-orange-700 dark:hover:text-orange-300">
                    {p.title.replace(/^The /, '')}
                  </Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-row={r.id} data-gap={r.kind === 'practice' && r.slugs.size === 0 ? '' : undefined} className={r.kind === 'question' ? 'border-t-2 border-slate-300 bg-slate-50 dark:border-slate-700 dark:bg-slate-900' : 'border-t border-slate-100 dark:border-slate-800'}>
                <th scope="row" className={`sticky left-0 bg-inherit p-2 text-left ${r.kind === 'question' ? 'font-semibold' : 'pl-6 font-normal'}`}>
                  <Link href={`/well-architected/#${lensAnchor(r.id)}`} className="hover:underline">
                    {r.id} {r.title}
                  </Link>
                  {r.kind === 'practice' && r.slugs.size === 0 && (
                    <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900 dark:bg-amber-950 dark:text-amber-200">not yet demonstrated</span>
                  )}
                </th>
                {patterns.map((p) => (
                  <td key={p.slug} className="p-1 text-center" data-cell={p.slug}>
                    {r.slugs.has(p.slug) ? (
                      <>
                        <span aria-hidden className="text-orange-600 dark:text-orange-400">●</span>
                        <span className="sr-only">{p.title}</span>
                      </>
                    ) : null}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
