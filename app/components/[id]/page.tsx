import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/page-header';
import { PatternGrid } from '@/components/pattern-grid';
import { getCatalog } from '@/lib/content';
import { patternsByComponent } from '@/lib/indexes';
import { pageMetadata } from '@/lib/page-meta';

type Props = { params: Promise<{ id: string }> };

export function generateStaticParams() {
  return getCatalog().registry.components.map((c) => ({ id: c.id }));
}

function find(id: string) {
  return getCatalog().registry.components.find((c) => c.id === id);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const component = find((await params).id);
  return component ? pageMetadata({ title: `${component.name} patterns`, path: `/components/${component.id}/`, description: `Serverless patterns that use ${component.name} (${component.service}).` }) : {};
}

export default async function ComponentPage({ params }: Props) {
  const component = find((await params).id);
  if (!component) notFound();
  const catalog = getCatalog();
  const patterns = patternsByComponent(catalog.patterns).get(component.id) ?? [];
  const group = catalog.registry.groups.find((g) => g.id === component.group);
  return (
    <>
      <PageHeader eyebrow={group?.name ?? 'Component'} title={component.name}>
        <p>{component.service}</p>
        {component.aliases.length > 0 && <p className="mt-2 text-sm">Also known as: {component.aliases.join(', ')}</p>}
      </PageHeader>
      <h2 className="mb-4 text-xl font-semibold">
        {patterns.length} pattern{patterns.length === 1 ? '' : 's'} using {component.name}
      </h2>
      {patterns.length ? (
        <PatternGrid catalog={catalog} patterns={patterns} />
      ) : (
        <p className="text-slate-500 dark:text-slate-400">
          No pattern uses {component.name} yet. <Link href="/patterns/" className="underline">See all patterns</Link>.
        </p>
      )}
      <p className="mt-10 text-sm">
        <Link href="/components/" className="text-orange-700 hover:underline dark:text-orange-300">
          ← All components
        </Link>
      </p>
    </>
  );
}
