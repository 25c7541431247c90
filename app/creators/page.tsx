import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { getCatalog } from '@/lib/content';
import { creatorIndex, creatorsByLetter } from '@/lib/creators';
import { pageMetadata } from '@/lib/page-meta';

export const metadata: Metadata = pageMetadata({ title: 'Creators A–Z', path: '/creators/', description: 'Everyone who created a pattern of the catalog, A–Z, with the patterns each one wrote.' });

const link = 'text-orange-700 underline-offset-2 hover:underline dark:text-orange-300';

export default function CreatorsPage() {
  const creators = creatorIndex(getCatalog().patterns);
  const groups = creatorsByLetter(creators);
  return (
    <>
      <PageHeader eyebrow="Catalog" title="Creators A–Z">
        <p>{creators.length} people and teams wrote the patterns of this catalog. Each name leads to their page and their patterns.</p>
      </PageHeader>
      <div className="space-y-10">
        {groups.map(({ letter, creators: list }) => (
          <section key={letter} aria-labelledby={`creators-${letter}`} data-letter={letter}>
            <h2 id={`creators-${letter}`} className="border-b border-slate-200 pb-1 text-2xl font-bold dark:border-slate-800">
              {letter}
            </h2>
            <ul className="mt-4 grid gap-6 sm:grid-cols-2">
              {list.map((c) => (
                <li key={c.slug} data-creator={c.slug}>
                  <Link href={`/creators/${c.slug}/`} className="font-semibold text-slate-900 underline-offset-2 hover:underline dark:text-slate-100">
                    {c.name}
                  </Link>
                  <span className="text-sm text-slate-600 dark:text-slate-400">
                    {' '}· {c.patterns.length} pattern{c.patterns.length === 1 ? '' : 's'}
                  </span>
                  <ul className="mt-1 space-y-1 text-sm">
                    {c.patterns.map((p) => (
                      <li key={p.slug}>
                        <Link href={`/patterns/${p.slug}/`} className={link}>
                          {p.title}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}
