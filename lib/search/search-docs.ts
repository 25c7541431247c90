// Pure: the validated catalog in, the documents search and facets work on out.
import type { Catalog, Pattern } from '../content';
import { byName, lensAnchor, patternMappings, resolveComponents } from '../indexes';
import { diagramThumbnail } from '../thumbnails';

/** One pattern as the search box sees it: only text, weighted by field in engine.ts. */
export type SearchDoc = {
  slug: string;
  title: string;
  summary: string;
  components: string[];
  /** Component ids and their registry aliases ("ddb", "sfn", "apigw"…). */
  aliases: string[];
  /** Pillar names, question and practice titles, each with its id ("REL 2.1 …"). */
  wellArchitected: string[];
  creators: string[];
  headings: string[];
  /** The start of the body as plain text; bounded so the index stays small at any catalog size. */
  excerpt: string;
};

export const EXCERPT_CHARS = 400;

/** MDX body → plain prose: code, diagrams, JSX placeholders and markup removed. */
export function plainText(body: string): string {
  return body
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/^#{1,6}\s.*$/gm, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_>|~]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function headingsOf(body: string): string[] {
  const withoutCode = body.replace(/```[\s\S]*?```/g, '');
  return [...withoutCode.matchAll(/^#{2,3}\s+(.+?)\s*$/gm)].map((m) => m[1]!.replace(/[`*_]/g, ''));
}

function boundedExcerpt(text: string): string {
  if (text.length <= EXCERPT_CHARS) return text;
  const cut = text.lastIndexOf(' ', EXCERPT_CHARS);
  return text.slice(0, cut > 0 ? cut : EXCERPT_CHARS);
}

export function searchDoc(catalog: Catalog, pattern: Pattern): SearchDoc {
  const components = resolveComponents(catalog, pattern.components);
  const wa = new Set<string>();
  for (const m of patternMappings(catalog, pattern)) {
    wa.add(m.pillar.name);
    wa.add(`${m.question.id} ${m.question.title}`);
    if (m.practice) wa.add(`${m.practice.id} ${m.practice.title}`);
  }
  return {
    slug: pattern.slug,
    title: pattern.title,
    summary: pattern.summary,
    components: components.map((c) => c.name),
    aliases: [...new Set(components.flatMap((c) => [c.id, ...c.aliases]))],
    wellArchitected: [...wa],
    creators: pattern.creators.map((c) => c.name),
    headings: headingsOf(pattern.body),
    excerpt: boundedExcerpt(plainText(pattern.body)),
  };
}

export function buildSearchDocs(catalog: Catalog): SearchDoc[] {
  return byName(catalog.patterns).map((p) => searchDoc(catalog, p));
}

/** The facet values of one pattern, as URL-safe ids, plus what a result card needs to render. */
export type FacetDoc = {
  slug: string;
  title: string;
  summary: string;
  component: string[];
  pillar: string[];
  question: string[];
  practice: string[];
  language: string[];
  level: string[];
  kind: string[];
  /** The card's picture: the first diagram's file in each theme, as the server-rendered cards show it. */
  thumbnail?: { light: string; dark: string };
};

export function buildFacetDocs(catalog: Catalog): FacetDoc[] {
  return byName(catalog.patterns).map((p) => {
    const mappings = patternMappings(catalog, p);
    const uniq = (xs: string[]) => [...new Set(xs)];
    return {
      slug: p.slug,
      title: p.title,
      summary: p.summary,
      component: [...p.components],
      pillar: uniq(mappings.map((m) => m.pillar.id)),
      question: uniq(mappings.map((m) => lensAnchor(m.question.id))),
      practice: uniq(mappings.flatMap((m) => (m.practice ? [lensAnchor(m.practice.id)] : []))),
      language: [...p.languages],
      level: [p.level],
      kind: [p.kind],
      thumbnail: diagramThumbnail(p),
    };
  });
}
