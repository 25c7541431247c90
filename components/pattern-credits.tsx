import Link from 'next/link';
import type { Pattern } from '@/lib/content';
import { creatorPath } from '@/lib/creators';

const KIND_LABEL = { article: 'Article', video: 'Video', talk: 'Talk', docs: 'Docs' } as const;

export function PatternCredits({ pattern }: { pattern: Pattern }) {
  return (
    <div className="grid gap-8 md:grid-cols-2">
      <div>
        <h3 className="font-semibold">Created by</h3>
        <ul className="mt-2 space-y-2">
          {pattern.creators.map((c) => (
            <li key={c.name}>
              <Link href={creatorPath(c.name)} className="font-medium underline-offset-2 hover:underline" data-creator-link>
                {c.name}
              </Link>
              {c.links.length > 0 && (
                <span className="ml-2 text-sm">
                  {c.links.map((l) => (
                    <a key={l.url} href={l.url} className="mr-2 text-orange-700 underline underline-offset-2 dark:text-orange-300">
                      {l.label}
                    </a>
                  ))}
                </span>
              )}
            </li>
          ))}
        </ul>
        {pattern.credits.length > 0 && (
          <>
            <h3 className="mt-6 font-semibold">Credits</h3>
            <ul className="mt-2 space-y-2 text-sm">
              {pattern.credits.map((c) => (
                <li key={`${c.name}-${c.role}`}>
                  {c.url ? <a href={c.url} className="font-medium hover:underline">{c.name}</a> : <span className="font-medium">{c.name}</span>}
                  <span className="text-slate-600 dark:text-slate-400"> · {c.role}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      {pattern.links.length > 0 && (
        <div>
          <h3 className="font-semibold">Further reading and watching</h3>
          <ul className="mt-2 space-y-2 text-sm">
            {pattern.links.map((l) => (
              <li key={l.url}>
                <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">{KIND_LABEL[l.kind]}</span>
                <a href={l.url} className="text-orange-700 underline underline-offset-2 dark:text-orange-300">{l.title}</a>
                {l.author && <span className="text-slate-500 dark:text-slate-400"> · {l.author}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
