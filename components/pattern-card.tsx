import Link from 'next/link';
import type { ReactNode } from 'react';
import { ComponentChips } from '@/components/component-chip';
import { KindBadge } from '@/components/kind-badge';
import type { Component, Pattern } from '@/lib/content';

export function PatternCard({ pattern, components, review }: { pattern: Pattern; components: readonly Component[]; review?: ReactNode }) {
  return (
    <article
      className="relative flex flex-col gap-3 rounded-xl border border-slate-200 p-5 transition hover:border-orange-400 hover:shadow-sm dark:border-slate-800"
      data-pattern={pattern.slug}
      data-kind={pattern.kind}
    >
      <KindBadge kind={pattern.kind} />
      <h3 className="text-lg font-semibold tracking-tight">
        <Link href={`/patterns/${pattern.slug}/`} className="hover:text-orange-700 dark:hover:text-orange-300">
          {pattern.title}
        </Link>
      </h3>
      <p className="text-sm text-slate-600 dark:text-slate-400">{pattern.summary}</p>
      <ComponentChips components={components} />
      {review && (
        <p className="mt-auto text-xs text-slate-600 dark:text-slate-400">
          cdk-nag: {review}
        </p>
      )}
    </article>
  );
}
