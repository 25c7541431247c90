import type { OutlineEntry } from '@/lib/page-outline';
import { Island } from '@/components/island';

// Styled from the list rather than on each link: the outline repeats its links in the page's HTML and its RSC payload.
const links =
  '[&_a]:block [&_a]:rounded-md [&_a]:px-2 [&_a]:py-3 lg:[&_a]:py-1.5 [&_a]:text-slate-700 [&_a:hover]:bg-slate-100 dark:[&_a]:text-slate-300 dark:[&_a:hover]:bg-slate-900 [&_a[aria-current]]:bg-orange-50 [&_a[aria-current]]:font-semibold [&_a[aria-current]]:text-orange-900 dark:[&_a[aria-current]]:bg-orange-950 dark:[&_a[aria-current]]:text-orange-100';

/**
 * The page's outline: a collapsed list above the body on narrow screens, a sticky column beside
 * it from lg up. Server-rendered links that work without JavaScript; a small leaf marks the
 * section being read.
 */
export function OnThisPage({ entries }: { entries: readonly OutlineEntry[] }) {
  const body = entries.filter((e) => e.group === 'body');
  const page = entries.filter((e) => e.group === 'page');
  const list = (items: readonly OutlineEntry[], label: string) => (
    <ol aria-label={label} className="space-y-0.5">
      {items.map((e) => (
        <li key={e.id}>
          <a href={`#${e.id}`}>{e.label}</a>
        </li>
      ))}
    </ol>
  );
  return (
    <nav id="on-this-page" aria-label="On this page" className="mt-8 text-sm lg:sticky lg:top-20 lg:col-start-2 lg:row-start-1 lg:mt-0 lg:max-h-[calc(100vh-6rem)] lg:self-start lg:overflow-y-auto">
      <details className="rounded-xl border border-slate-200 lg:border-0 lg:details-content:[content-visibility:visible] dark:border-slate-800">
        <summary className="cursor-pointer px-3 py-3 font-semibold lg:cursor-default lg:py-2 lg:list-none lg:px-2 lg:text-xs lg:uppercase lg:tracking-wide lg:text-slate-600 dark:lg:text-slate-400">
          On this page
        </summary>
        <div className={`space-y-3 px-1 pb-2 lg:px-0 ${links}`}>
          {list(body, 'The pattern')}
          <hr className="border-slate-200 dark:border-slate-800" />
          {list(page, 'Proof and code')}
        </div>
      </details>
      <Island name="toc-current" props={{ navId: 'on-this-page' }} />
    </nav>
  );
}
