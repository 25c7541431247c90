// The content gateway: the only module that reads content/ and generated data.
import { type Catalog, type CatalogPaths, defaultPaths, loadCatalog, readSourceFile } from './load';
import { recommendedFlags } from './cdk-flags';
import { cdkLibVersion, readSnapshotMeta, readSynthOutput, type SnapshotLanguage, snapshotLanguages, type SynthOutput } from './synth';
import { type RegionFit, type RegionSupport, readRegionSupport, regionFit } from './regions';
import { type DeployFacts, deployFacts } from '../proof/deploy-facts';
import { asBuiltDiagram } from '../proof/as-built';
import type { Pattern } from './patterns';
import { deployableOutput, type RulePackResult, rulePackResult } from './anti-patterns';
import { readAwsIcon, tileSvg } from './aws-icons';
import { type ChangeDate, patternCommitDates } from './git-dates';
import { type DiagramTheme, diagramFile as diagramFileName } from './diagrams';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RawFile, RULE_PACK_DIR, readAppFiles, readRulePackBuild } from './app-files';
import { readLockfile } from './apps';
import type { Lockfile } from './input-hash';

export type { Catalog, CatalogPaths } from './load';
export type { Pattern } from './patterns';
export type { Diagram } from './diagrams';
export type { ChangeDate } from './git-dates';
export type { Finding, SynthOutput, Template } from './synth';
export type { Component, ComponentRegistry, Frontmatter, Lens, Pillar, Practice, Question, WellArchitectedEntry } from './schema';
export { ContentError } from './errors';
export { AggregateContentError } from './load';
export { languageAnchor, sourceAnchor } from './patterns';
export { diagramFile } from './diagrams';
export { componentIconSrc } from './icons';
export { ANTI_PATTERN_SECTIONS } from './patterns';
export { ANTI_PATTERN_PACK, beforeOutput, deployableOutput, type RulePackResult, ruleId, rulePackProblems } from './anti-patterns';

const paths: CatalogPaths = defaultPaths();
let cached: Catalog | undefined;

/** Loaded once per build process; every page reads the same validated catalog. */
export function getCatalog(): Catalog {
  cached ??= loadCatalog(paths, { flags: recommendedFlags(paths.root) });
  return cached;
}

export function getPattern(slug: string) {
  return getCatalog().patterns.find((p) => p.slug === slug);
}

export function getSourceFile(slug: string, file: string, language: 'typescript' | 'python' = 'typescript'): string {
  return readSourceFile(paths, slug, file, language);
}

const synthCache = new Map<string, SynthOutput>();
/** Every stack of the TypeScript app's snapshot, an anti-pattern's "before" included. */
export function getFullSynthOutput(slug: string): SynthOutput {
  let out = synthCache.get(slug);
  if (!out) synthCache.set(slug, (out = readSynthOutput(paths, slug)));
  return out;
}

/** The stacks a reader deploys: an anti-pattern's "before" stack is left out. */
export function getSynthOutput(pattern: Pattern): SynthOutput {
  return deployableOutput(pattern, getFullSynthOutput(pattern.slug));
}

/** What the catalog's anti-pattern rule pack says about a pattern. */
export function getRulePackResult(pattern: Pattern): RulePackResult {
  return rulePackResult(pattern, getFullSynthOutput(pattern.slug));
}

/** Every committed snapshot of a pattern (all stacks), one per language that has an app. */
export function getSynthOutputs(slug: string): { language: SnapshotLanguage; output: SynthOutput }[] {
  return snapshotLanguages.filter((language) => readSnapshotMeta(paths, slug, language)).map((language) => ({ language, output: readSynthOutput(paths, slug, language) }));
}

let regions: RegionSupport | undefined;
export function getRegionSupport(): RegionSupport | undefined {
  regions ??= readRegionSupport(paths);
  return regions;
}

const factsCache = new Map<string, DeployFacts>();
/** Quotas, idle costs and leftovers of a pattern, from its TypeScript app's templates. */
export function getDeployFacts(pattern: Pattern): DeployFacts {
  let facts = factsCache.get(pattern.slug);
  if (!facts) factsCache.set(pattern.slug, (facts = deployFacts(getSynthOutput(pattern).stacks)));
  return facts;
}

export function getRegionFit(pattern: Pattern): RegionFit | undefined {
  const data = getRegionSupport();
  return data && regionFit(getDeployFacts(pattern).types, data);
}

let version: string | undefined;
export function getCdkLibVersion(): string {
  version ??= cdkLibVersion(paths.root);
  return version;
}

/** A component's icon as the site serves it at componentIconSrc(id): one tile, readable on both themes. */
export function getComponentIconSvg(componentId: string): string | undefined {
  const c = getCatalog().registry.components.find((x) => x.id === componentId);
  return c && tileSvg(readAwsIcon(c.icon), c.name);
}

const asBuiltCache = new Map<string, ReturnType<typeof asBuiltDiagram>>();
/** The "as built" diagram of a pattern, derived from its synthesized templates. */
export function getAsBuiltDiagram(pattern: Pattern) {
  let d = asBuiltCache.get(pattern.slug);
  if (!d) asBuiltCache.set(pattern.slug, (d = asBuiltDiagram(pattern.title, getSynthOutput(pattern))));
  return d;
}

let commitDates: Map<string, string> | undefined;
/**
 * When a pattern's folder last changed, for the sitemap's lastmod: its latest commit, or, outside git or in a
 * shallow clone whose history stops before that change, the later of its frontmatter dates (`updated`, `added`).
 */
export function getPatternChangeDate(pattern: Pattern): ChangeDate {
  commitDates ??= patternCommitDates(paths.root);
  const date = commitDates.get(pattern.slug);
  return date ? { date, source: 'git' } : { date: pattern.updated ?? pattern.added, source: 'frontmatter' };
}

/**
 * The day the pattern's folder last changed: the build re-verifies it on every run, and this is when
 * what it verifies last moved. The same date as the sitemap's, as a calendar day.
 */
export function getVerifiedDate(pattern: Pattern): string {
  return getPatternChangeDate(pattern).date.slice(0, 10);
}

/** A rendered diagram SVG of public/diagrams/ as text (the social cards draw it). */
export function getDiagramSvg(hash: string, theme: DiagramTheme = 'light'): string {
  return readFileSync(join(paths.diagrams, diagramFileName(hash, theme)), 'utf8');
}

export type { RawFile } from './app-files';
/** A pattern app's files, byte for byte, for its download. */
export function getAppFiles(slug: string, language: 'typescript' | 'python'): RawFile[] {
  return readAppFiles(paths, slug, language);
}

let lockfile: Lockfile | undefined;
export function getRootLockfile(): Lockfile {
  lockfile ??= readLockfile(paths);
  return lockfile;
}

/** The anti-pattern rule pack as npm would publish it, with the workspace path apps link to. */
export function getRulePackBuild() {
  return { from: RULE_PACK_DIR, ...readRulePackBuild(paths) };
}
