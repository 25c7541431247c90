import { closest, distance } from 'fastest-levenshtein';
import { CliError, EXIT } from './errors.js';

/** @typedef {import('./site.js').Catalog} Catalog */
/** @typedef {import('./site.js').PatternEntry} PatternEntry */
/** @typedef {{ component?: string, pillar?: string, language?: string, search?: string }} ListFilter */

const LANGUAGE_ALIASES = /** @type {const} */ ({ typescript: 'typescript', ts: 'typescript', python: 'python', py: 'python' });

/**
 * "ts" or "typescript", "py" or "python".
 * @param {string} value
 * @param {string} flag
 * @returns {import('./site.js').Language}
 */
export function parseLanguage(value, flag) {
  const language = LANGUAGE_ALIASES[/** @type {keyof typeof LANGUAGE_ALIASES} */ (value.toLowerCase())];
  if (!language) throw new CliError(`${flag}: expected typescript or python, got "${value}"`, EXIT.usage);
  return language;
}

/**
 * A component or pillar named by id, name or (pillars) code, case-insensitively.
 * @template {{ id: string, name: string, code?: string }} T
 * @param {readonly T[]} items
 * @param {string} value
 * @param {string} flag
 */
function findFacet(items, value, flag) {
  const v = value.toLowerCase();
  const found = items.find((i) => [i.id, i.name, i.code].some((x) => x?.toLowerCase() === v));
  if (found) return found;
  const hint = closest(v, items.map((i) => i.id));
  throw new CliError(`${flag}: no "${value}" in the catalog${hint && distance(v, hint) <= 3 ? `; did you mean "${hint}"?` : `; one of: ${items.map((i) => i.id).join(', ')}`}`, EXIT.usage);
}

/**
 * The patterns that match every filter given; the search term's words must each appear in the
 * slug, title, summary or a component's id or name.
 * @param {Catalog} catalog
 * @param {ListFilter} filter
 * @returns {PatternEntry[]}
 */
export function filterPatterns(catalog, filter) {
  const component = filter.component && findFacet(catalog.components, filter.component, '--component');
  const pillar = filter.pillar && findFacet(catalog.pillars, filter.pillar, '--pillar');
  const language = filter.language && parseLanguage(filter.language, '--language');
  const words = (filter.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const names = new Map(catalog.components.map((c) => [c.id, c.name]));
  return catalog.patterns.filter((p) => {
    if (component && !p.components.includes(component.id)) return false;
    if (pillar && !p.pillars.includes(pillar.id)) return false;
    if (language && !p.languages.includes(language)) return false;
    const text = [p.slug, p.title, p.summary, ...p.components.flatMap((c) => [c, names.get(c) ?? ''])].join(' ').toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/**
 * The pattern of that slug, or a clear failure with the nearest slug.
 * @param {Catalog} catalog
 * @param {string} slug
 */
export function findPattern(catalog, slug) {
  const found = catalog.patterns.find((p) => p.slug === slug);
  if (found) return found;
  const slugs = catalog.patterns.map((p) => p.slug);
  const hint = slugs.length ? closest(slug, slugs) : undefined;
  const near = hint && distance(slug, hint) <= Math.max(3, Math.floor(slug.length / 3));
  throw new CliError(`Unknown pattern "${slug}".${near ? ` Did you mean "${hint}"?` : ''} Run \`cdk-patterns list\` to see every pattern.`, EXIT.unknownSlug);
}
