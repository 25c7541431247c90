import Link from 'next/link';
import type { Pattern, RulePackResult } from '@/lib/content';
import { groupByRule } from '@/lib/proof/review';

/** What the catalog's anti-pattern rule pack found in this pattern's templates. */
export function RulePackReview({ pattern, result }: { pattern: Pattern; result: RulePackResult }) {
  const caught = groupByRule(result.caught);
  const acknowledged = groupByRule(result.acknowledged);
  return (
    <section aria-labelledby="review-rule-pack" data-rule-pack className="mt-8">
      <h3 id="review-rule-pack" className="text-lg font-semibold">
        Anti-pattern rules
      </h3>
      <p className="mt-2 max-w-3xl text-slate-700 dark:text-slate-300">
        The build also runs this catalog&apos;s own{' '}
        <Link href="/about/#rule-pack" className="underline">
          anti-pattern rule pack
        </Link>{' '}
        over every template.{' '}
        {pattern.kind === 'anti-pattern' && pattern.antiPattern ? (
          <span data-rule-pack-result="caught">
            It flags the anti-pattern stack <code>{pattern.antiPattern.before}</code> and finds nothing in the fix,{' '}
            <code>{pattern.antiPattern.after}</code>.
          </span>
        ) : acknowledged.length ? (
          <span data-rule-pack-result="acknowledged">This pattern trips {acknowledged.length === 1 ? 'one rule' : `${acknowledged.length} rules`} on purpose, each with its reason:</span>
        ) : (
          <span data-rule-pack-result="clean">No rule trips on this pattern.</span>
        )}
      </p>
      {[...caught, ...acknowledged].length > 0 && (
        <ul className="mt-3 space-y-3 text-sm">
          {[...caught, ...acknowledged].map((g) => (
            <li key={`${g.level}-${g.rule}`} data-finding={g.rule}>
              <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold text-slate-800 dark:bg-slate-800 dark:text-slate-200">
                {g.level === 'suppressed' ? 'acknowledged' : 'flagged'}
              </span>
              <code className="text-xs">{g.rule}</code>
              <span className="text-slate-600 dark:text-slate-400"> on {g.resources.join(', ')}</span>
              {g.reasons.map((r) => (
                <p key={r} className="mt-1 text-slate-700 dark:text-slate-300">
                  {r}
                </p>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
