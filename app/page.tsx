import type { Metadata } from 'next';
import Link from 'next/link';
import { ComponentTile } from '@/components/component-tile';
import { FeaturedPattern } from '@/components/home/featured-pattern';
import { LensCoverage } from '@/components/home/lens-coverage';
import { PatternGrid } from '@/components/pattern-grid';
import { getCatalog } from '@/lib/content';
import { catalogCounts, componentGroups, featuredPattern, lensCoverage, newestPatterns, resolveComponents } from '@/lib/indexes';
import { pageMetadata } from '@/lib/page-meta';
import { siteConfig } from '@/lib/site-config';

export const metadata: Metadata = pageMetadata({ path: '/' });

const NEWEST = 6;
const link = 'font-medium text-orange-700 underline-offset-2 hover:underline dark:text-orange-300';

export default function HomePage() {
  const catalog = getCatalog();
  const counts = catalogCounts(catalog);
  const featured = featuredPattern(catalog.patterns);
  const newest = newestPatterns(catalog.patterns, NEWEST, featured ? [featured.slug] : []);
  const coverage = lensCoverage(catalog);
  const covered = coverage.reduce((n, r) => n + r.practicesCovered, 0);
  const practices = coverage.reduce((n, r) => n + r.practices, 0);
  // Like the original site: its components, plus any a pattern uses; unused ones stay visible but quiet.
  const groups = componentGroups(catalog)
    .map((g) => ({ ...g, components: g.components.filter((c) => c.count > 0 || c.component.onOriginalSite) }))
    .filter((g) => g.components.length > 0);

  return (
    <div className="space-y-16">
      <section className="max-w-3xl">
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">{siteConfig.name}</h1>
        <p className="mt-4 text-xl font-medium text-slate-800 dark:text-slate-200" data-promise>
          Serverless AWS architectures you can see, check and deploy.
        </p>
        <p className="mt-2 text-slate-600 dark:text-slate-400">
          Each pattern draws its design, maps it to the AWS Well-Architected Serverless Lens and ships the AWS CDK app
          beside it: synthesized, checked with cdk-nag and tested on every build.
        </p>
        <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Catalog size">
          {[
            ['Patterns', 'patterns', counts.patterns],
            ['Components', 'components', counts.components],
            ['Creators', 'creators', counts.creators],
            ['Lens practices', 'practices', `${covered}/${practices}`],
          ].map(([label, key, value]) => (
            <div key={key} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
              <dt className="text-xs uppercase tracking-wide text-slate-600 dark:text-slate-400">{label}</dt>
              <dd className="text-2xl font-semibold tabular-nums" data-count={key}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
        <form action="/patterns/" method="get" role="search" aria-label="Search the catalog" className="mt-6 flex max-w-md gap-2">
          <label htmlFor="home-search" className="sr-only">
            Search the catalog
          </label>
          <input
            id="home-search"
            name="q"
            type="search"
            placeholder="webhook, dynamodb, circuit breaker…"
            className="min-h-11 min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
          />
          <button type="submit" className="min-h-11 rounded-md bg-orange-700 px-4 py-2 font-medium text-white hover:bg-orange-800">
            Search
          </button>
        </form>
        <p className="mt-3 text-sm">
          <Link href="/patterns/" className={link}>
            Browse all patterns A–Z →
          </Link>
        </p>
      </section>

      {featured && (
        <section aria-labelledby="featured">
          <h2 id="featured" className="text-2xl font-semibold tracking-tight">Featured pattern</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">The pattern that demonstrates the most Well-Architected practices.</p>
          <div className="mt-6">
            <FeaturedPattern pattern={featured} components={resolveComponents(catalog, featured.components)} />
          </div>
        </section>
      )}

      <section aria-labelledby="newest" data-newest>
        <h2 id="newest" className="text-2xl font-semibold tracking-tight">Newest patterns</h2>
        <div className="mt-6">
          <PatternGrid catalog={catalog} patterns={newest} columns={3} showDate />
        </div>
      </section>

      <section aria-labelledby="by-pillar">
        <h2 id="by-pillar" className="text-2xl font-semibold tracking-tight">Well-Architected Serverless Lens coverage</h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Best practices of each pillar that at least one pattern demonstrates, and the patterns mapped to it.
        </p>
        <div className="mt-6">
          <LensCoverage rows={coverage} />
        </div>
        <p className="mt-4 flex flex-wrap gap-x-6 gap-y-2 text-sm">
          <Link href="/well-architected/" className={link}>
            The lens, practice by practice →
          </Link>
          <Link href="/well-architected/coverage/" className={link}>
            Coverage matrix →
          </Link>
        </p>
      </section>

      <section aria-labelledby="by-component">
        <h2 id="by-component" className="text-2xl font-semibold tracking-tight">Find a pattern by AWS component</h2>
        <div className="mt-6 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
          {groups.map((g) => (
            <div key={g.id}>
              <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">{g.name}</h3>
              <ul className="mt-2 space-y-1.5">
                {g.components.map(({ component, count }) => (
                  <li key={component.id} data-component={component.id}>
                    <ComponentTile component={component} count={count} />
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
        <p className="mt-4 text-sm">
          <Link href="/components/" className={link}>
            All components →
          </Link>
        </p>
      </section>
    </div>
  );
}
