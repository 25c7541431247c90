// Creators and their patterns, derived from the frontmatter: pure functions, no I/O.
import GithubSlugger from 'github-slugger';
import type { Pattern } from './content';
import { ALPHABET, byName } from './indexes';

export type CreatorLink = { label: string; url: string };
export type Creator = { slug: string; name: string; links: CreatorLink[]; patterns: Pattern[] };
export type CreatorGroup = { letter: string; creators: Creator[] };

/** A creator's page address segment: the name slugged as GitHub slugs a heading, accents dropped so the address stays ASCII. */
export function creatorSlug(name: string): string {
  return new GithubSlugger().slug(name.trim().normalize('NFD').replace(/\p{M}/gu, ''));
}

export function creatorPath(name: string): string {
  return `/creators/${creatorSlug(name)}/`;
}

/**
 * Every creator once, A–Z by name, with the links given on any of their patterns (each URL once) and their
 * patterns A–Z. Two names that would share an address are a content error, named with both spellings.
 */
export function creatorIndex(patterns: readonly Pattern[]): Creator[] {
  const bySlug = new Map<string, Creator>();
  for (const pattern of byName(patterns)) {
    for (const c of pattern.creators) {
      const slug = creatorSlug(c.name);
      const name = c.name.trim();
      let creator = bySlug.get(slug);
      if (!creator) bySlug.set(slug, (creator = { slug, name, links: [], patterns: [] }));
      else if (creator.name !== name) {
        throw new Error(`${pattern.file}: creators: "${name}" and "${creator.name}" would share the page /creators/${slug}/; expected one spelling of a creator's name`);
      }
      for (const link of c.links) if (!creator.links.some((l) => l.url === link.url)) creator.links.push({ label: link.label, url: link.url });
      if (!creator.patterns.includes(pattern)) creator.patterns.push(pattern);
    }
  }
  return [...bySlug.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
}

/** The creators under their initial, only letters that have someone (a name not starting A–Z goes under "#"). */
export function creatorsByLetter(creators: readonly Creator[]): CreatorGroup[] {
  const groups = new Map<string, Creator[]>();
  for (const c of creators) {
    const initial = c.name.normalize('NFD').charAt(0).toUpperCase();
    const letter = ALPHABET.includes(initial) ? initial : '#';
    groups.set(letter, [...(groups.get(letter) ?? []), c]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === '#' ? 1 : b === '#' ? -1 : a.localeCompare(b))).map(([letter, list]) => ({ letter, creators: list }));
}
