/* eslint-disable @next/next/no-img-element -- pre-built SVGs in a static export: next/image has nothing to optimize */
import Link from 'next/link';
import { ComponentChips } from '@/components/component-chip';
import type { Component, Pattern } from '@/lib/content';
import { diagramThumbnail } from '@/lib/thumbnails';

/**
 * The home page's showcase: the pattern's first diagram at full width, in the current theme.
 * Unlike a card's thumbnail the picture carries the diagram's own text alternative here, as it is
 * the one architecture drawing on the page.
 */
export function FeaturedPattern({ pattern, components }: { pattern: Pattern; components: readonly Component[] }) {
  const diagram = pattern.diagrams[0]!;
  const srcs = diagramThumbnail(pattern)!;
  const img = 'mx-auto h-auto max-h-[28rem] w-full object-contain';
  return (
    <div className="rounded-2xl border border-slate-200 p-4 sm:p-6 dark:border-slate-800" data-featured={pattern.slug}>
      <figure className="overflow-x-auto rounded-lg bg-white dark:bg-slate-950" data-diagram={diagram.hash}>
        <img src={srcs.light} alt={diagram.description} width={1200} height={400} loading="lazy" decoding="async" data-theme="light" className={`${img} dark:hidden`} />
        <img src={srcs.dark} alt={diagram.description} width={1200} height={400} loading="lazy" decoding="async" data-theme="dark" className={`${img} hidden dark:block`} />
        <figcaption className="sr-only">{diagram.title}</figcaption>
      </figure>
      <div className="mt-5 grid gap-4 md:grid-cols-[1fr_auto] md:items-end">
        <div>
          <h3 className="text-2xl font-semibold tracking-tight">
            <Link href={`/patterns/${pattern.slug}/`} className="hover:text-orange-700 dark:hover:text-orange-300">
              {pattern.title}
            </Link>
          </h3>
          <p className="mt-2 max-w-3xl text-slate-700 dark:text-slate-300">{pattern.summary}</p>
        </div>
        <Link
          href={`/patterns/${pattern.slug}/`}
          className="inline-flex min-h-11 items-center justify-center rounded-md bg-orange-700 px-4 font-medium text-white hover:bg-orange-800"
        >
          Read the pattern<span className="sr-only">: {pattern.title}</span>
        </Link>
      </div>
      <ComponentChips components={components} className="mt-4" />
    </div>
  );
}
