// Every page the site publishes, with when it last changed: the sitemap's content. Pure.
import type { Catalog, Pattern } from './content';
import { creatorIndex } from './creators';
import { patternsByComponent } from './indexes';

export type SitePage = { path: string; lastModified: string };

/** The latest of some dates (ISO date-times or plain dates), compared as instants, returned as written. */
export function latest(dates: readonly string[]): string | undefined {
  return dates.reduce<string | undefined>((best, d) => (best === undefined || Date.parse(d) > Date.parse(best) ? d : best), undefined);
}

/**
 * Each pattern page changes when its folder does; a page that lists patterns changes when the newest of
 * them does, and a page listing none (an unused component) takes the catalog's newest change.
 */
export function sitePages(catalog: Catalog, changed: (p: Pattern) => string): SitePage[] {
  const dateOf = new Map(catalog.patterns.map((p) => [p.slug, changed(p)]));
  const all = latest([...dateOf.values()]) ?? '1970-01-01';
  const of = (patterns: readonly Pattern[]) => latest(patterns.map((p) => dateOf.get(p.slug)!)) ?? all;
  const byComponent = patternsByComponent(catalog.patterns);
  const listing = ['/', '/patterns/', '/components/', '/well-architected/', '/well-architected/coverage/', '/creators/', '/about/'];
  return [
    ...listing.map((path) => ({ path, lastModified: all })),
    ...catalog.patterns.map((p) => ({ path: `/patterns/${p.slug}/`, lastModified: dateOf.get(p.slug)! })),
    ...catalog.registry.components.map((c) => ({ path: `/components/${c.id}/`, lastModified: of(byComponent.get(c.id) ?? []) })),
    ...creatorIndex(catalog.patterns).map((c) => ({ path: `/creators/${c.slug}/`, lastModified: of(c.patterns) })),
  ];
}
