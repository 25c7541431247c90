import type { Metadata } from 'next';
import { ComponentTile } from '@/components/component-tile';
import { PageHeader } from '@/components/page-header';
import { getCatalog } from '@/lib/content';
import { componentGroups } from '@/lib/indexes';
import { pageMetadata } from '@/lib/page-meta';

export const metadata: Metadata = pageMetadata({ title: 'AWS components', path: '/components/', description: 'The AWS services and resources the patterns use, each with the patterns that use it.' });

export default function ComponentsPage() {
  const groups = componentGroups(getCatalog());
  return (
    <>
      <PageHeader eyebrow="Browse" title="AWS components">
        <p>Every service and building block the catalog knows, grouped by what it does, with how many patterns use it.</p>
      </PageHeader>
      <div className="grid gap-10 md:grid-cols-2 lg:grid-cols-3">
        {groups.map((g) => (
          <section key={g.id} aria-labelledby={`group-${g.id}`}>
            <h2 id={`group-${g.id}`} className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
              {g.name}
            </h2>
            <ul className="mt-3 space-y-1.5">
              {g.components.map(({ component, count }) => (
                <li key={component.id} data-component={component.id}>
                  <ComponentTile component={component} count={count} />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}
