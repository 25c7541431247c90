import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/page-header';
import { PatternGrid } from '@/components/pattern-grid';
import { getCatalog } from '@/lib/content';
import { creatorIndex } from '@/lib/creators';
import { pageMetadata } from '@/lib/page-meta';

type Props = { params: Promise<{ slug: string }> };

export function generateStaticParams() {
  return creatorIndex(getCatalog().patterns).map((c) => ({ slug: c.slug }));
}

function find(slug: string) {
  return creatorIndex(getCatalog().patterns).find((c) => c.slug === slug);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const creator = find((await params).slug);
  if (!creator) return {};
  const count = `${creator.patterns.length} pattern${creator.patterns.length === 1 ? '' : 's'}`;
  return pageMetadata({ title: `Patterns by ${creator.name}`, path: `/creators/${creator.slug}/`, description: `${count} of the catalog created by ${creator.name}.` });
}

export default async function CreatorPage({ params }: Props) {
  const creator = find((await params).slug);
  if (!creator) notFound();
  const catalog = getCatalog();
  return (
    <>
      <PageHeader eyebrow="Creator" title={creator.name}>
        <p>
          {creator.patterns.length} pattern{creator.patterns.length === 1 ? '' : 's'} in this catalog.{' '}
          <Link href="/creators/" className="text-orange-700 underline underline-offset-2 dark:text-orange-300">
            All creators
          </Link>
        </p>
        {creator.links.length > 0 && (
          <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-base" aria-label={`${creator.name} elsewhere`}>
            {creator.links.map((l) => (
              <li key={l.url}>
                <a href={l.url} className="text-orange-700 underline underline-offset-2 dark:text-orange-300">
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        )}
      </PageHeader>
      <h2 className="mb-4 text-xl font-semibold">Patterns by {creator.name}</h2>
      <PatternGrid catalog={catalog} patterns={creator.patterns} />
    </>
  );
}
