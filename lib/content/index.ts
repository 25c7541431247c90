// The content gateway: the only module that reads content/ and generated data.
import { type Catalog, type CatalogPaths, defaultPaths, loadCatalog, readSourceFile } from './load';
import { cdkLibVersion, readSynthOutput, type SynthOutput } from './synth';
import { asBuiltDiagram } from '../proof/as-built';

export type { Catalog, CatalogPaths } from './load';
export type { Pattern } from './patterns';
export type { Diagram } from './diagrams';
export type { Finding, SynthOutput, Template } from './synth';
export type { Component, ComponentRegistry, Frontmatter, Lens, Pillar, Practice, Question, WellArchitectedEntry } from './schema';
export { ContentError } from './errors';
export { AggregateContentError } from './load';
export { sourceAnchor } from './patterns';
export { diagramFile } from './diagrams';

const paths: CatalogPaths = defaultPaths();
let cached: Catalog | undefined;

/** Loaded once per build process; every page reads the same validated catalog. */
export function getCatalog(): Catalog {
  cached ??= loadCatalog(paths);
  return cached;
}

export function getPattern(slug: string) {
  return getCatalog().patterns.find((p) => p.slug === slug);
}

export function getSourceFile(slug: string, file: string): string {
  return readSourceFile(paths, slug, file);
}

const synthCache = new Map<string, SynthOutput>();
export function getSynthOutput(slug: string): SynthOutput {
  let out = synthCache.get(slug);
  if (!out) synthCache.set(slug, (out = readSynthOutput(paths, slug)));
  return out;
}

let version: string | undefined;
export function getCdkLibVersion(): string {
  version ??= cdkLibVersion(paths.root);
  return version;
}

const asBuiltCache = new Map<string, ReturnType<typeof asBuiltDiagram>>();
/** The "as built" diagram of a pattern, derived from its synthesized templates. */
export function getAsBuiltDiagram(slug: string, title: string) {
  let d = asBuiltCache.get(slug);
  if (!d) asBuiltCache.set(slug, (d = asBuiltDiagram(title, getSynthOutput(slug))));
  return d;
}
