import Link from 'next/link';
import type { Component } from '@/lib/content';

export function ComponentChip({ component }: { component: Component }) {
  return (
    <Link
      href={`/components/${component.id}/`}
      className="inline-flex items-center rounded-full border border-slate-200 bg-slate-50 px-2.5 py-0.5 text-xs font-medium text-slate-700 hover:border-orange-400 hover:text-orange-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-300 dark:hover:text-orange-300"
    >
      {component.name}
    </Link>
  );
}

export function ComponentChips({ components }: { components: readonly Component[] }) {
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label="AWS components">
      {components.map((c) => (
        <li key={c.id}>
          <ComponentChip component={c} />
        </li>
      ))}
    </ul>
  );
}
