// Pure functions from the validated catalog to the site's indexes. No I/O here.
import type { Catalog, Component, Pattern, Pillar, Practice, Question, Template, WellArchitectedEntry } from './content';

export const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** Patterns in A–Z order of their name without a leading "The": the order every list uses. */
export function byName(patterns: readonly Pattern[]): Pattern[] {
  return [...patterns].sort((a, b) => a.sortKey.localeCompare(b.sortKey, 'en'));
}

export type LetterGroup = { letter: string; patterns: Pattern[] };

/** Every letter A–Z, empty ones included (as the original site showed them), plus "#" when needed. */
export function azIndex(patterns: readonly Pattern[]): LetterGroup[] {
  const sorted = byName(patterns);
  const groups = ALPHABET.map((letter) => ({ letter, patterns: sorted.filter((p) => p.letter === letter) }));
  const other = sorted.filter((p) => !ALPHABET.includes(p.letter));
  return other.length ? [...groups, { letter: '#', patterns: other }] : groups;
}

/** Patterns to follow and anti-patterns to avoid, each sorted by name: the A–Z page lists them apart. */
export function byKind(patterns: readonly Pattern[]): { patterns: Pattern[]; antiPatterns: Pattern[] } {
  const sorted = byName(patterns);
  return { patterns: sorted.filter((p) => p.kind !== 'anti-pattern'), antiPatterns: sorted.filter((p) => p.kind === 'anti-pattern') };
}

export function patternsByComponent(patterns: readonly Pattern[]): Map<string, Pattern[]> {
  const map = new Map<string, Pattern[]>();
  for (const p of byName(patterns)) {
    for (const id of p.components) map.set(id, [...(map.get(id) ?? []), p]);
  }
  return map;
}

export type ComponentGroup = { id: string; name: string; components: { component: Component; count: number }[] };

export function componentGroups(catalog: Catalog): ComponentGroup[] {
  const byComponent = patternsByComponent(catalog.patterns);
  return catalog.registry.groups.map((g) => ({
    ...g,
    components: catalog.registry.components
      .filter((c) => c.group === g.id)
      .map((component) => ({ component, count: byComponent.get(component.id)?.length ?? 0 })),
  }));
}

export type Mapping = { pattern: Pattern; reason: string };

export type PracticeEntry = { practice: Practice; patterns: Mapping[] };
export type QuestionEntry = { question: Question; questionLevel: Mapping[]; practices: PracticeEntry[] };
export type PillarEntry = { pillar: Pillar; questions: QuestionEntry[]; patternCount: number };

function mapped(patterns: readonly Pattern[], match: (e: WellArchitectedEntry) => boolean): Mapping[] {
  return patterns.flatMap((pattern) =>
    pattern.wellArchitected.filter(match).map((e) => ({ pattern, reason: e.reason })),
  );
}

/** The lens tree with the patterns mapped at each question and practice. */
export function wellArchitectedIndex(catalog: Catalog): PillarEntry[] {
  const patterns = byName(catalog.patterns);
  return catalog.lens.pillars.map((pillar) => {
    const questions = pillar.questions.map((question) => ({
      question,
      questionLevel: mapped(patterns, (e) => 'question' in e && e.question === question.id),
      practices: question.practices.map((practice) => ({
        practice,
        patterns: mapped(patterns, (e) => 'practice' in e && e.practice === practice.id),
      })),
    }));
    const slugs = new Set(
      questions.flatMap((q) => [...q.questionLevel, ...q.practices.flatMap((p) => p.patterns)].map((m) => m.pattern.slug)),
    );
    return { pillar, questions, patternCount: slugs.size };
  });
}

export type ResolvedMapping = { pillar: Pillar; question: Question; practice?: Practice; reason: string };

/** One pattern's mappings, resolved against the lens and grouped in lens order. */
export function patternMappings(catalog: Catalog, pattern: Pattern): ResolvedMapping[] {
  const out: ResolvedMapping[] = [];
  for (const pillar of catalog.lens.pillars) {
    for (const question of pillar.questions) {
      for (const e of pattern.wellArchitected) {
        if ('question' in e && e.question === question.id) out.push({ pillar, question, reason: e.reason });
      }
      for (const practice of question.practices) {
        for (const e of pattern.wellArchitected) {
          if ('practice' in e && e.practice === practice.id) out.push({ pillar, question, practice, reason: e.reason });
        }
      }
    }
  }
  return out;
}

export function catalogCounts(catalog: Catalog) {
  const creators = new Set(catalog.patterns.flatMap((p) => p.creators.map((c) => c.name)));
  const components = new Set(catalog.patterns.flatMap((p) => p.components));
  return { patterns: catalog.patterns.length, components: components.size, creators: creators.size };
}

/** Resource counts by type, most frequent first; CDK's own metadata resource is not part of the design. */
export function resourceCounts(templates: readonly Template[]): { type: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of templates) {
    for (const r of Object.values(t.Resources)) {
      if (r.Type === 'AWS::CDK::Metadata') continue;
      counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
    }
  }
  return [...counts].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

/** Registry entries for a pattern's component ids, in the order the author listed them. */
export function resolveComponents(catalog: Catalog, ids: readonly string[]): Component[] {
  const byId = new Map(catalog.registry.components.map((c) => [c.id, c]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** "REL 2.1" → "rel-2-1": the anchor the Well-Architected page gives each question and practice. */
export function lensAnchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

export type CoverageRow = { kind: 'question' | 'practice'; id: string; title: string; pillar: Pillar; slugs: Set<string> };

/**
 * Lens rows × patterns. A question row counts a pattern mapped to the question or to any of
 * its practices; a practice row only patterns mapped to that practice.
 */
export function coverageRows(catalog: Catalog): CoverageRow[] {
  return wellArchitectedIndex(catalog).flatMap(({ pillar, questions }) =>
    questions.flatMap(({ question, questionLevel, practices }) => {
      const practiceRows: CoverageRow[] = practices.map(({ practice, patterns }) => ({
        kind: 'practice',
        id: practice.id,
        title: practice.title,
        pillar,
        slugs: new Set(patterns.map((m) => m.pattern.slug)),
      }));
      const all = new Set([...questionLevel.map((m) => m.pattern.slug), ...practiceRows.flatMap((r) => [...r.slugs])]);
      return [{ kind: 'question' as const, id: question.id, title: question.title, pillar, slugs: all }, ...practiceRows];
    }),
  );
}

/** The date a pattern last changed for a reader: its update, else when it was added (ISO dates sort as text). */
export function patternDate(pattern: Pattern): string {
  return pattern.updated ?? pattern.added;
}

/** Newest first by patternDate, A–Z within a day, so the list is the same on every build. */
export function newestPatterns(patterns: readonly Pattern[], count: number, exclude: readonly string[] = []): Pattern[] {
  return byName(patterns)
    .filter((p) => !exclude.includes(p.slug))
    .sort((a, b) => patternDate(b).localeCompare(patternDate(a)))
    .slice(0, count);
}

/**
 * The home page's showcase, chosen by rule rather than by hand: the pattern (never an
 * anti-pattern) with a diagram that maps to the most of the lens, so the first picture a
 * reader sees is the catalog's broadest design; ties go to the newer, then to A–Z.
 */
export function featuredPattern(patterns: readonly Pattern[]): Pattern | undefined {
  const score = (p: Pattern) => new Set(p.wellArchitected.map((e) => ('practice' in e ? e.practice : e.question))).size;
  return byName(patterns)
    .filter((p) => p.kind === 'pattern' && p.diagrams.length > 0)
    .sort((a, b) => score(b) - score(a) || patternDate(b).localeCompare(patternDate(a)))[0];
}

export type PillarCoverage = { pillar: Pillar; practices: number; practicesCovered: number; patternCount: number };

/** Per pillar: how many of its best practices at least one pattern maps to, and how many patterns map to it at all. */
export function lensCoverage(catalog: Catalog): PillarCoverage[] {
  return wellArchitectedIndex(catalog).map(({ pillar, questions, patternCount }) => {
    const practices = questions.flatMap((q) => q.practices);
    return { pillar, practices: practices.length, practicesCovered: practices.filter((p) => p.patterns.length > 0).length, patternCount };
  });
}
