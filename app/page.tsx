import Link from 'next/link';
import { PatternGrid } from '@/components/pattern-grid';
import { getCatalog } from '@/lib/content';
import { catalogCounts, componentGroups, wellArchitectedIndex } from '@/lib/indexes';
import { siteConfig } from '@/lib/site-config';

export default function HomePage() {
  const catalog = getCatalog();
  const counts = catalogCounts(catalog);
  // Like the original site: its components, plus any a pattern uses; unused ones stay visible but quiet.
  const groups = componentGroups(catalog)
    .map((g) => ({ ...g, components: g.components.filter((c) => c.count > 0 || c.component.onOriginalSite) }))
    .filter((g) => g.components.length > 0);
  const pillars = wellArchitectedIndex(catalog);
  const latest = [...catalog.patterns].sort((a, b) => b.added.localeCompare(a.added) || a.sortKey.localeCompare(b.sortKey)).slice(0, 3);

  return (
    <div className="space-y-16">
      <section className="max-w-3xl">
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">{siteConfig.name}</h1>
        <p className="mt-4 text-lg text-slate-600 dark:text-slate-400">
          Serverless architecture patterns you can deploy today. Each page explains the design, maps it to the AWS
          Well-Architected Serverless Lens and ships the AWS CDK app beside it: synthesized, checked with cdk-nag and
          tested on every build.
        </p>
        <dl className="mt-8 grid max-w-md grid-cols-3 gap-4" aria-label="Catalog size">
          {[
            ['Patterns', counts.patterns],
            ['Components', counts.components],
            ['Creators', counts.creators],
          ].map(([label, value]) => (
            <div key={label} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
              <dt className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
              <dd className="text-2xl font-semibold" data-count={String(label).toLowerCase()}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
        <form action="/patterns/" method="get" role="search" className="mt-8 flex max-w-md gap-2">
          <label htmlFor="home-search" className="sr-only">
            Search the catalog
          </label>
          <input
            id="home-search"
            name="q"
            type="search"
            placeholder="webhook, dynamodb, circuit breaker…"
            className="flex-1 rounded-md border border-slate-300 px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
          />
          <button type="submit" className="rounded-md bg-orange-700 px-4 py-2 font-medium text-white hover:bg-orange-800">
            Search
          </button>
        </form>
        <p className="mt-3 text-sm">
          <Link href="/patterns/" className="font-medium text-orange-700 underline-offset-2 hover:underline dark:text-orange-300">
            Browse all patterns A–Z →
          </Link>
        </p>
      </section>

      <section aria-labelledby="by-component">
        <h2 id="by-component" className="text-2xl font-semibold tracking-tight">Find a pattern by AWS component</h2>
        <div className="mt-6 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
          {groups.map((g) => (
            <div key={g.id}>
              <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{g.name}</h3>
              <ul className="mt-2 space-y-1">
                {g.components.map(({ component, count }) => (
                    <li key={component.id}>
                      <Link
                        href={`/components/${component.id}/`}
                        className={`flex justify-between rounded-md border border-slate-200 px-3 py-2 hover:border-orange-400 dark:border-slate-800 ${count ? '' : 'text-slate-500 dark:text-slate-400'}`}
                      >
                        <span>{component.name}</span>
                        <span className="text-sm text-slate-500 dark:text-slate-400">{count}</span>
                      </Link>
                    </li>
                  ))}
              </ul>
            </div>
          ))}
        </div>
        <p className="mt-4 text-sm">
          <Link href="/components/" className="text-orange-700 underline-offset-2 hover:underline dark:text-orange-300">
            All components →
          </Link>
        </p>
      </section>

      <section aria-labelledby="by-pillar">
        <h2 id="by-pillar" className="text-2xl font-semibold tracking-tight">Find a pattern by Well-Architected pillar</h2>
        <ul className="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
          {pillars.map(({ pillar, patternCount }) => (
            <li key={pillar.id}>
              <Link href={`/well-architected/#${pillar.id}`} className="block h-full rounded-xl border border-slate-200 p-4 hover:border-orange-400 dark:border-slate-800">
                <span className="text-xs font-semibold text-orange-700 dark:text-orange-400">{pillar.code}</span>
                <span className="mt-1 block font-semibold">{pillar.name}</span>
                <span className="mt-2 block text-sm text-slate-500 dark:text-slate-400">
                  {patternCount} pattern{patternCount === 1 ? '' : 's'}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="latest">
        <h2 id="latest" className="text-2xl font-semibold tracking-tight">Recently added</h2>
        <div className="mt-6">
          <PatternGrid catalog={catalog} patterns={latest} columns={3} />
        </div>
      </section>
    </div>
  );
}
