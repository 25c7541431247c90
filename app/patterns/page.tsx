import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header';
import { PatternGrid } from '@/components/pattern-grid';
import { PatternExplorer } from '@/components/explore/pattern-explorer';
import { getCatalog } from '@/lib/content';
import { azIndex, byKind } from '@/lib/indexes';
import { facetOptions } from '@/lib/search/facets';
import { Island } from '@/components/island';
import { pageMetadata } from '@/lib/page-meta';

export const metadata: Metadata = pageMetadata({ title: 'All patterns A–Z', path: '/patterns/', description: 'Every serverless pattern and anti-pattern of the catalog, A–Z, each with its AWS CDK apps.' });

export default function PatternsPage() {
  const catalog = getCatalog();
  const { patterns, antiPatterns } = byKind(catalog.patterns);
  const letters = azIndex(patterns);
  return (
    <>
      <PageHeader eyebrow="Catalog" title="All patterns A–Z">
        <p>
          {patterns.length} patterns, filed by name without a leading “The”, then {antiPatterns.length} anti-patterns. Every
          one ships a CDK app you can deploy; an anti-pattern ships the mistake and its fix, and a rule pack that spots it.
        </p>
      </PageHeader>
      <Island name="pattern-explorer" component={PatternExplorer} props={{ docsUrl: '/explore-docs.json', options: facetOptions(catalog) }}>
      <nav aria-label="Jump to letter" className="sticky top-14 z-30 -mx-4 mb-8 bg-white/95 px-4 py-2 dark:bg-slate-950/95">
        <ol className="flex flex-wrap gap-1">
          {letters.map(({ letter, patterns }) => (
            <li key={letter}>
              {patterns.length ? (
                <a href={`#letter-${letter}`} className="grid h-8 w-8 place-items-center rounded font-semibold hover:bg-orange-100 dark:hover:bg-orange-950">
                  {letter}
                </a>
              ) : (
                <span className="grid h-8 w-8 place-items-center text-slate-500 dark:text-slate-400">
                  <span aria-hidden>{letter}</span>
                  <span className="sr-only">{letter}: no patterns</span>
                </span>
              )}
            </li>
          ))}
          {antiPatterns.length > 0 && (
            <li>
              <a href="#anti-patterns" className="grid h-8 place-items-center rounded px-2 font-semibold hover:bg-orange-100 dark:hover:bg-orange-950">
                Anti-patterns
              </a>
            </li>
          )}
        </ol>
      </nav>
      <div className="space-y-10">
        {letters.map(({ letter, patterns }) => (
          <section key={letter} id={`letter-${letter}`} aria-labelledby={`heading-${letter}`} data-letter={letter}>
            <h2 id={`heading-${letter}`} className="border-b border-slate-200 pb-1 text-2xl font-bold dark:border-slate-800">
              {letter}
            </h2>
            {patterns.length ? (
              <div className="mt-4">
                <PatternGrid catalog={catalog} patterns={patterns} />
              </div>
            ) : (
              <p className="mt-3 text-sm text-slate-500 dark:text-slate-400">No patterns under {letter} yet.</p>
            )}
          </section>
        ))}
        {antiPatterns.length > 0 && (
          <section id="anti-patterns" aria-labelledby="heading-anti-patterns" data-section="anti-patterns">
            <h2 id="heading-anti-patterns" className="border-b border-slate-200 pb-1 text-2xl font-bold dark:border-slate-800">
              Anti-patterns
            </h2>
            <p className="mt-3 max-w-3xl text-sm text-slate-600 dark:text-slate-400">
              Designs that look reasonable and hurt in production. Each page shows the mistake as a stack you can synthesize
              but should not deploy, its fix, and the{' '}
              <a href="/about/#rule-pack" className="underline">
                cdk-nag rule
              </a>{' '}
              that flags it in your own app.
            </p>
            <div className="mt-4">
              <PatternGrid catalog={catalog} patterns={antiPatterns} />
            </div>
          </section>
        )}
      </div>
      </Island>
    </>
  );
}
