import { ComponentIcon } from '@/components/component-icon';
import type { Component } from '@/lib/content';

/** What a chip needs: the explore view's client-side results pass the same two fields. */
export type ChipComponent = Pick<Component, 'id' | 'name'>;

export function ComponentChip({ component }: { component: ChipComponent }) {
  return (
    <a
      href={`/components/${component.id}/`}
      className="inline-flex min-h-8 items-center gap-1.5 rounded-full border border-slate-200 bg-slate-50 py-1 pl-1.5 pr-2.5 text-xs font-medium text-slate-700 hover:border-orange-400 hover:text-orange-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-300 dark:hover:text-orange-300"
    >
      <ComponentIcon id={component.id} size={20} className="rounded-sm" />
      {component.name}
    </a>
  );
}

export function ComponentChips({ components, className = '' }: { components: readonly ChipComponent[]; className?: string }) {
  return (
    <ul className={`flex flex-wrap gap-1.5 ${className}`} aria-label="AWS components">
      {components.map((c) => (
        <li key={c.id}>
          <ComponentChip component={c} />
        </li>
      ))}
    </ul>
  );
}
