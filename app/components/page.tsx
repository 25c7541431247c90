import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { getCatalog } from '@/lib/content';
import { componentGroups } from '@/lib/indexes';

export const metadata: Metadata = { title: 'AWS components' };

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
            <h2 id={`group-${g.id}`} className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
              {g.name}
            </h2>
            <ul className="mt-3 space-y-1">
              {g.components.map(({ component, count }) => (
                <li key={component.id} data-component={component.id}>
                  <Link
                    href={`/components/${component.id}/`}
                    className={`flex justify-between rounded-md px-3 py-1.5 hover:bg-slate-100 dark:hover:bg-slate-900 ${count ? '' : 'text-slate-500 dark:text-slate-400'}`}
                  >
                    <span>{component.name}</span>
                    <span className="tabular-nums" aria-label={`${count} pattern${count === 1 ? '' : 's'}`}>
                      {count}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}
