// Pure facet logic shared by the explore view (client) and its tests: no DOM, no I/O.
import type { Catalog } from '../content';
import { lensAnchor, patternsByComponent } from '../indexes';
import { MAX_QUERY_CHARS } from './limits';
import type { FacetDoc } from './search-docs';

export { MAX_QUERY_CHARS };

export const FACET_KEYS = ['component', 'pillar', 'question', 'practice', 'language', 'level', 'kind'] as const;
export type FacetKey = (typeof FACET_KEYS)[number];

export const FACET_LABELS: Record<FacetKey, string> = {
  kind: 'Kind',
  component: 'AWS component',
  pillar: 'Pillar',
  question: 'Lens question',
  practice: 'Best practice',
  language: 'Language',
  level: 'Level',
};

export type FacetOption = { value: string; label: string; group?: string };
export type FacetOptions = Record<FacetKey, FacetOption[]>;
export type Filters = Record<FacetKey, string[]>;
export type ExploreState = { q: string; filters: Filters };
export type Ignored = { key: string; value: string; why: string };

export function emptyFilters(): Filters {
  return { kind: [], component: [], pillar: [], question: [], practice: [], language: [], level: [] };
}

/**
 * The values each facet offers. Components: those at least one pattern uses (a registry
 * entry no pattern uses describes no pattern). The lens is shown whole, so a practice no
 * pattern demonstrates yet is visible, disabled.
 */
export function facetOptions(catalog: Catalog): FacetOptions {
  const used = patternsByComponent(catalog.patterns);
  const groupName = new Map(catalog.registry.groups.map((g) => [g.id, g.name]));
  const present = (values: string[], order: readonly string[]) => order.filter((v) => values.includes(v));
  const langs = catalog.patterns.flatMap((p) => p.languages);
  const levels = catalog.patterns.map((p) => p.level);
  const kinds = catalog.patterns.map((p) => p.kind);
  return {
    kind: present(kinds, ['pattern', 'anti-pattern']).map((v) => ({ value: v, label: KIND_LABELS[v] ?? v })),
    component: catalog.registry.components
      .filter((c) => used.has(c.id))
      .map((c) => ({ value: c.id, label: c.name, group: groupName.get(c.group) ?? c.group })),
    pillar: catalog.lens.pillars.map((p) => ({ value: p.id, label: p.name })),
    question: catalog.lens.pillars.flatMap((p) =>
      p.questions.map((q) => ({ value: lensAnchor(q.id), label: `${q.id} ${q.title}`, group: p.name })),
    ),
    practice: catalog.lens.pillars.flatMap((p) =>
      p.questions.flatMap((q) =>
        q.practices.map((pr) => ({ value: lensAnchor(pr.id), label: `${pr.id} ${pr.title}`, group: `${q.id} ${q.title}` })),
      ),
    ),
    language: present(langs, ['typescript', 'python', 'java', 'csharp', 'go']).map((v) => ({ value: v, label: languageLabel(v) })),
    level: present(levels, ['beginner', 'intermediate', 'advanced']).map((v) => ({ value: v, label: v[0]!.toUpperCase() + v.slice(1) })),
  };
}

export const KIND_LABELS: Record<string, string> = { pattern: 'Pattern', 'anti-pattern': 'Anti-pattern' };

const LANGUAGE_LABELS: Record<string, string> = { typescript: 'TypeScript', python: 'Python', java: 'Java', csharp: 'C#', go: 'Go' };

function languageLabel(id: string): string {
  return LANGUAGE_LABELS[id] ?? id;
}

function isFacetKey(key: string): key is FacetKey {
  return (FACET_KEYS as readonly string[]).includes(key);
}

/** URL → state. Anything unknown or malformed is dropped and reported, never thrown. */
export function parseExploreState(search: string, options: FacetOptions): { state: ExploreState; ignored: Ignored[] } {
  const params = new URLSearchParams(search);
  const filters = emptyFilters();
  const ignored: Ignored[] = [];
  let q = '';
  for (const [key, raw] of params) {
    const value = raw.trim();
    if (key === 'q') {
      // Not trimmed: this is also the text box's value while someone types "circuit b…".
      q = raw.replace(/\s+/g, ' ');
      if (q.length > MAX_QUERY_CHARS) {
        ignored.push({ key, value: `${q.slice(0, 20)}…`, why: `only the first ${MAX_QUERY_CHARS} characters of the search are used` });
        q = q.slice(0, MAX_QUERY_CHARS);
      }
    } else if (!isFacetKey(key)) {
      ignored.push({ key, value, why: 'is not a filter of this page' });
    } else if (!options[key].some((o) => o.value === value)) {
      ignored.push({ key, value, why: `is not a known ${FACET_LABELS[key].toLowerCase()}` });
    } else if (!filters[key].includes(value)) {
      filters[key].push(value);
    }
  }
  // Canonical order, so ?a&b and ?b&a are the same state.
  for (const key of FACET_KEYS) filters[key] = options[key].map((o) => o.value).filter((v) => filters[key].includes(v));
  return { state: { q, filters }, ignored };
}

/** State → query string, in a canonical order so equal views share one URL. */
export function serializeExploreState(state: ExploreState, options: FacetOptions): string {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q);
  for (const key of FACET_KEYS) {
    for (const o of options[key]) if (state.filters[key].includes(o.value)) params.append(key, o.value);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function hasActiveState(state: ExploreState): boolean {
  return state.q.trim() !== '' || FACET_KEYS.some((k) => state.filters[k].length > 0);
}

function matchesFacets(doc: FacetDoc, filters: Filters, skip?: FacetKey): boolean {
  // AND across facets, OR within one.
  return FACET_KEYS.every((k) => k === skip || filters[k].length === 0 || filters[k].some((v) => doc[k].includes(v)));
}

/** Docs that pass every facet, in their given order; `within` restricts them to a query's hits. */
export function filterDocs(docs: readonly FacetDoc[], filters: Filters, within?: ReadonlySet<string>): FacetDoc[] {
  return docs.filter((d) => (!within || within.has(d.slug)) && matchesFacets(d, filters));
}

/**
 * For each value, how many patterns would be listed with it selected and this facet's
 * other values set aside: the count a reader can act on, since values within a facet OR.
 */
export function facetCounts(
  docs: readonly FacetDoc[],
  filters: Filters,
  options: FacetOptions,
  within?: ReadonlySet<string>,
): Record<FacetKey, Map<string, number>> {
  const count = (key: FacetKey) => {
    const base = docs.filter((d) => (!within || within.has(d.slug)) && matchesFacets(d, filters, key));
    return new Map(options[key].map((o) => [o.value, base.filter((d) => d[key].includes(o.value)).length]));
  };
  return {
    component: count('component'),
    pillar: count('pillar'),
    question: count('question'),
    practice: count('practice'),
    language: count('language'),
    level: count('level'),
    kind: count('kind'),
  };
}

export function toggleValue(state: ExploreState, key: FacetKey, value: string): ExploreState {
  const current = state.filters[key];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return { ...state, filters: { ...state.filters, [key]: next } };
}
