import type { Pattern } from '@/lib/content';
import { languageAnchor } from '@/lib/content';

/** Each behavioural promise with the tests that prove it; the build fails unless they passed. */
export function PatternGuarantees({ pattern }: { pattern: Pattern }) {
  return (
    <div>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Every promise below names the test that proves it. The site&apos;s build runs those tests and fails unless each one passed.
      </p>
      <ul className="space-y-3">
        {pattern.guarantees.map((g) => (
          <li key={g.claim} className="rounded-lg border border-slate-200 p-4 dark:border-slate-800" data-guarantee>
            <p className="font-medium">{g.claim}</p>
            <ul className="mt-2 space-y-1 text-sm">
              {g.tests.map((t) => {
                const [language, ...rest] = t.file.split('/');
                const inApp = rest.join('/');
                return (
                  <li key={`${t.file}#${t.name}`} className="text-slate-600 dark:text-slate-400">
                    <span className="sr-only">Proven by </span>
                    <span aria-hidden="true">✓ </span>
                    <q>{t.name}</q> in{' '}
                    <a href={`#${languageAnchor(language!, inApp)}`} className="font-mono text-xs underline decoration-slate-300 underline-offset-2 hover:text-orange-700 dark:hover:text-orange-300">
                      {t.file}
                    </a>
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
