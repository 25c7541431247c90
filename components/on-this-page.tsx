import { TocCurrent } from '@/components/toc-current';
import type { OutlineEntry } from '@/lib/page-outline';

const link =
  'block rounded-md px-2 py-1.5 text-slate-700 hover:bg-slate-100 hover:text-slate-950 aria-[current=location]:bg-orange-50 aria-[current=location]:font-semibold aria-[current=location]:text-orange-900 dark:text-slate-300 dark:hover:bg-slate-900 dark:hover:text-white dark:aria-[current=location]:bg-orange-950 dark:aria-[current=location]:text-orange-100';

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
          <a href={`#${e.id}`} className={link} data-toc={e.id}>
            {e.label}
          </a>
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
        <div className="space-y-3 px-1 pb-2 lg:px-0">
          {list(body, 'The pattern')}
          <hr className="border-slate-200 dark:border-slate-800" />
          {list(page, 'Proof and code')}
        </div>
      </details>
      <TocCurrent navId="on-this-page" />
    </nav>
  );
}
