import Link from 'next/link';
import type { Catalog, Pattern } from '@/lib/content';
import { ruleId } from '@/lib/content';

/** Said once, at the top of an anti-pattern page: which stack is the mistake, and why it does not deploy. */
export function AntiPatternNotice({ catalog, pattern }: { catalog: Catalog; pattern: Pattern }) {
  const ap = pattern.antiPattern;
  if (pattern.kind !== 'anti-pattern' || !ap) return null;
  const instead = ap.insteadUse.map((slug) => catalog.patterns.find((p) => p.slug === slug)).filter((p): p is Pattern => Boolean(p));
  return (
    <aside aria-label="About this anti-pattern" data-anti-pattern-notice className="mt-6 rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-950 dark:border-red-900 dark:bg-red-950/40 dark:text-red-100">
      <p>
        This page teaches a mistake. Its app holds two stacks: <code>{ap.before}</code>, the anti-pattern, and{' '}
        <code>{ap.after}</code>, the fix. <code>npx cdk deploy</code> deploys only the fix; the anti-pattern is synthesized
        on request (<code>npx cdk synth -c antiPattern=before {ap.before}</code>) so you can read its template, because
        deploying it would run up the very costs and failures this page describes.
      </p>
      <p className="mt-2">
        Caught by <Link href="/about/#rule-pack" className="font-semibold underline">{ruleId(ap.rule)}</Link>. Use instead:{' '}
        {instead.map((p, i) => (
          <span key={p.slug}>
            {i > 0 && ', '}
            <Link href={`/patterns/${p.slug}/`} className="font-semibold underline">
              {p.title}
            </Link>
          </span>
        ))}
        .
      </p>
    </aside>
  );
}
