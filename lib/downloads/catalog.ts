// /catalog.json: what the CLI lists and filters, and the checksum of every download it fetches.
import { createHash } from 'node:crypto';
import type { Catalog, Pattern } from '../content';
import { byName, patternMappings } from '../indexes';
import type { Language } from './app-bundle';

export type DownloadEntry = { path: string; sha256: string; bytes: number };
export type CatalogJson = {
  version: 1;
  components: { id: string; name: string }[];
  pillars: { id: string; code: string; name: string }[];
  patterns: {
    slug: string;
    title: string;
    summary: string;
    kind: string;
    level: string;
    components: string[];
    pillars: string[];
    practices: string[];
    languages: Language[];
    page: string;
    /** The CDK CLI the app is tested with: Python apps run it as `npx aws-cdk@<this>`. */
    cdkCli: string;
    downloads: Partial<Record<Language, DownloadEntry>>;
  }[];
};

export const downloadPath = (slug: string, language: Language) => `downloads/${slug}-${language}.zip`;
export const pagePath = (slug: string) => `patterns/${slug}/`;

export function downloadEntry(slug: string, language: Language, zip: Uint8Array): DownloadEntry {
  return { path: downloadPath(slug, language), sha256: createHash('sha256').update(zip).digest('hex'), bytes: zip.byteLength };
}

/** The languages a pattern can be downloaded in: those with an app folder. */
export function downloadLanguages(pattern: Pick<Pattern, 'sourceFiles' | 'pythonFiles'>): Language[] {
  return [...(pattern.sourceFiles.length ? ['typescript' as const] : []), ...(pattern.pythonFiles.length ? ['python' as const] : [])];
}

/** Paths are relative to the site's root, so a copy of the site served elsewhere stays consistent. */
export function catalogJson(catalog: Catalog, download: (slug: string, language: Language) => DownloadEntry, cdkCli: (slug: string) => string): CatalogJson {
  const used = new Set(catalog.patterns.flatMap((p) => p.components));
  return {
    version: 1,
    components: catalog.registry.components.filter((c) => used.has(c.id)).map((c) => ({ id: c.id, name: c.name })),
    pillars: catalog.lens.pillars.map((p) => ({ id: p.id, code: p.code, name: p.name })),
    patterns: byName(catalog.patterns).map((p) => {
      const mappings = patternMappings(catalog, p);
      const languages = downloadLanguages(p);
      return {
        slug: p.slug,
        title: p.title,
        summary: p.summary,
        kind: p.kind,
        level: p.level,
        components: [...p.components],
        pillars: [...new Set(mappings.map((m) => m.pillar.id))],
        practices: [...new Set(mappings.flatMap((m) => (m.practice ? [m.practice.id] : [])))],
        languages,
        page: pagePath(p.slug),
        cdkCli: cdkCli(p.slug),
        downloads: Object.fromEntries(languages.map((l) => [l, download(p.slug, l)])),
      };
    }),
  };
}
