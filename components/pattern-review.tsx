import Link from 'next/link';
import type { Catalog, Pattern, SynthOutput } from '@/lib/content';
import { lensAnchor } from '@/lib/indexes';
import { type RuleGroup, reviewByPillar, reviewSummary } from '@/lib/proof/review';

const LEVEL_STYLE: Record<RuleGroup['level'], string> = {
  error: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
  warning: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  info: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  suppressed: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200',
};

export function ReviewSummaryLine({ synth }: { synth: SynthOutput }) {
  const s = reviewSummary(synth.findings);
  return (
    <span data-review-summary>
      {s.errors} error{s.errors === 1 ? '' : 's'} · {s.warnings ? `${s.warnings} warning${s.warnings === 1 ? '' : 's'} · ` : ''}
      {s.suppressed} suppressed
    </span>
  );
}

/** cdk-nag's AwsSolutions and Serverless packs, per pillar, beside what the pattern demonstrates. */
export function PatternReview({ catalog, pattern, synth }: { catalog: Catalog; pattern: Pattern; synth: SynthOutput }) {
  const pillars = reviewByPillar(catalog, pattern, synth.findings);
  const { suppressed } = reviewSummary(synth.findings);
  return (
    <div className="space-y-8">
      <p className="max-w-3xl text-slate-700 dark:text-slate-300">
        Every build runs cdk-nag&apos;s AwsSolutions and Serverless rule packs over this stack; the build fails on any open error.
        Result: <ReviewSummaryLine synth={synth} /> rule{suppressed === 1 ? '' : 's'}, each waived
        with the reason written in the code.
      </p>
      {pillars.map(({ pillar, demonstrates, findings }) => (
        <section key={pillar.id} data-review-pillar={pillar.id}>
          <h3 id={`review-${pillar.id}`} className="text-lg font-semibold">
            {pillar.name}
          </h3>
          <div className="mt-3 grid gap-4 md:grid-cols-2">
            <div>
              <h4 className="text-sm font-semibold uppercase tracking-wide text-emerald-800 dark:text-emerald-300">Demonstrates</h4>
              {demonstrates.length ? (
                <ul className="mt-2 space-y-1 text-sm">
                  {demonstrates.map((m) => {
                    const id = m.practice?.id ?? m.question.id;
                    return (
                      <li key={id}>
                        <Link href={`/well-architected/#${lensAnchor(id)}`} className="hover:underline">
                          {id} {m.practice?.title ?? m.question.title}
                        </Link>
                      </li>
                    );
                  })}
                </ul>
              ) : (
                <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">No practice of this pillar is claimed.</p>
              )}
            </div>
            <div>
              <h4 className="text-sm font-semibold uppercase tracking-wide text-slate-700 dark:text-slate-300">Deliberately does not</h4>
              {findings.length ? (
                <ul className="mt-2 space-y-3 text-sm">
                  {findings.map((g) => (
                    <li key={`${g.level}-${g.rule}`} data-finding={g.rule}>
                      <span className={`mr-2 rounded px-1.5 py-0.5 text-xs font-semibold ${LEVEL_STYLE[g.level]}`}>{g.level}</span>
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
              ) : (
                <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">No rule of this pillar is waived.</p>
              )}
            </div>
          </div>
        </section>
      ))}
    </div>
  );
}
