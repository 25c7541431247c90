import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { getCatalog } from '@/lib/content';
import { lensAnchor, type Mapping, wellArchitectedIndex } from '@/lib/indexes';
import { siteConfig } from '@/lib/site-config';
import { pageMetadata } from '@/lib/page-meta';

export const metadata: Metadata = pageMetadata({ title: 'Well-Architected Serverless Lens', path: '/well-architected/', description: 'The AWS Well-Architected Serverless Lens, question by question, with the patterns that apply each best practice.' });

function MappedPatterns({ mappings }: { mappings: readonly Mapping[] }) {
  return (
    <ul className="mt-2 space-y-2">
      {mappings.map(({ pattern, reason }) => (
        <li key={pattern.slug} className="text-sm" data-mapped-pattern={pattern.slug}>
          <Link href={`/patterns/${pattern.slug}/`} className="font-medium text-orange-700 hover:underline dark:text-orange-300">
            {pattern.title}
          </Link>
          <span className="text-slate-600 dark:text-slate-400"> · {reason}</span>
        </li>
      ))}
    </ul>
  );
}

export default function WellArchitectedPage() {
  const index = wellArchitectedIndex(getCatalog());
  return (
    <>
      <PageHeader eyebrow="AWS Well-Architected" title="The Serverless Lens, pattern by pattern">
        <p>
          Each question of the{' '}
          <a href={siteConfig.lensUrl} className="underline">
            Serverless Applications Lens
          </a>{' '}
          and its best practices, with the patterns that demonstrate them and why. Practices no pattern covers yet are
          marked, so gaps are visible.
        </p>
        <p className="mt-2">
          <Link href="/well-architected/coverage/" className="font-medium underline">
            See the coverage matrix: every pattern against every practice →
          </Link>
        </p>
      </PageHeader>
      <nav aria-label="Pillars" className="mb-10 flex flex-wrap gap-2">
        {index.map(({ pillar }) => (
          <a key={pillar.id} href={`#${pillar.id}`} className="rounded-md border border-slate-200 px-3 py-1 text-sm hover:border-orange-400 dark:border-slate-800">
            {pillar.name}
          </a>
        ))}
      </nav>
      <div className="space-y-16">
        {index.map(({ pillar, questions }) => (
          <section key={pillar.id} id={pillar.id} aria-labelledby={`${pillar.id}-heading`}>
            <h2 id={`${pillar.id}-heading`} className="text-2xl font-semibold tracking-tight">
              <span className="text-orange-700 dark:text-orange-400">{pillar.code}</span> {pillar.name}
            </h2>
            <p className="mt-1 text-slate-600 dark:text-slate-400">{pillar.summary}</p>
            {questions.map(({ question, questionLevel, practices }) => (
              <section key={question.id} id={lensAnchor(question.id)} className="mt-8" aria-labelledby={`${lensAnchor(question.id)}-h`}>
                <h3 id={`${lensAnchor(question.id)}-h`} className="text-lg font-semibold">
                  {question.id} · {question.question}
                </h3>
                {questionLevel.length > 0 && <MappedPatterns mappings={questionLevel} />}
                <ol className="mt-4 space-y-3">
                  {practices.map(({ practice, patterns }) => (
                    <li
                      key={practice.id}
                      id={lensAnchor(practice.id)}
                      data-practice={practice.id}
                      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
                    >
                      <p className="font-medium">
                        {practice.id} {practice.title}
                      </p>
                      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{practice.summary}</p>
                      {patterns.length ? (
                        <MappedPatterns mappings={patterns} />
                      ) : (
                        <p className="mt-2 text-sm italic text-slate-500 dark:text-slate-400" data-no-pattern>
                          No pattern demonstrates this practice yet.
                        </p>
                      )}
                    </li>
                  ))}
                </ol>
              </section>
            ))}
          </section>
        ))}
      </div>
    </>
  );
}
