import Link from 'next/link';
import type { ReactNode } from 'react';
import { ComponentChips } from '@/components/component-chip';
import { KindBadge } from '@/components/kind-badge';
import { PatternThumb } from '@/components/pattern-thumb';
import type { Component, Pattern } from '@/lib/content';
import { patternDate } from '@/lib/indexes';
import { diagramThumbnail } from '@/lib/thumbnails';

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "Added 5 Dec 2026" or "Updated …": the date the newest list is ordered by. */
export function PatternDate({ pattern }: { pattern: Pattern }) {
  const date = patternDate(pattern);
  return (
    <p className="text-xs text-slate-600 dark:text-slate-400">
      {pattern.updated ? 'Updated' : 'Added'} <time dateTime={date}>{dateFormat.format(new Date(`${date}T00:00:00Z`))}</time>
    </p>
  );
}

type Props = { pattern: Pattern; components: readonly Component[]; review?: ReactNode; showDate?: boolean };

/**
 * The title link stretches over the whole card (its ::after covers it), so the picture is
 * clickable without a second link; the chips sit above that layer and keep their own links.
 */
export function PatternCard({ pattern, components, review, showDate = false }: Props) {
  const thumbnail = diagramThumbnail(pattern);
  return (
    <article
      className="relative flex flex-col gap-3 rounded-xl border border-slate-200 p-4 transition hover:border-orange-400 hover:shadow-sm dark:border-slate-800"
      data-pattern={pattern.slug}
      data-kind={pattern.kind}
    >
      {thumbnail && <PatternThumb srcs={thumbnail} />}
      <KindBadge kind={pattern.kind} />
      <h3 className="text-lg font-semibold tracking-tight">
        <Link
          href={`/patterns/${pattern.slug}/`}
          className="after:absolute after:inset-0 after:rounded-xl hover:text-orange-700 dark:hover:text-orange-300"
        >
          {pattern.title}
        </Link>
      </h3>
      <p className="text-sm text-slate-600 dark:text-slate-400">{pattern.summary}</p>
      {showDate && <PatternDate pattern={pattern} />}
      <ComponentChips components={components} className="relative z-10" />
      {review && <p className="mt-auto text-xs text-slate-600 dark:text-slate-400">cdk-nag: {review}</p>}
    </article>
  );
}
