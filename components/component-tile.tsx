import Link from 'next/link';
import { ComponentIcon } from '@/components/component-icon';
import type { Component } from '@/lib/content';

/** A component with its icon and how many patterns use it; unused ones stay listed but quiet. */
export function ComponentTile({ component, count }: { component: Component; count: number }) {
  return (
    <Link
      href={`/components/${component.id}/`}
      className={`flex min-h-11 items-center gap-3 rounded-md border border-slate-200 px-3 py-2 hover:border-orange-400 dark:border-slate-800 ${count ? '' : 'text-slate-500 dark:text-slate-400'}`}
    >
      <ComponentIcon id={component.id} size={32} className={`rounded ${count ? '' : 'opacity-60'}`} />
      <span className="flex-1">{component.name}</span>
      <span className="text-sm tabular-nums text-slate-600 dark:text-slate-400" data-count={count}>
        {count}
        <span className="sr-only"> pattern{count === 1 ? '' : 's'}</span>
      </span>
    </Link>
  );
}
