import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DIAGRAM_THEMES, diagramFile } from './diagrams';
import { ContentError } from './errors';
import { iconProblems } from './aws-icons';
import { type FlagMap, flagProblems } from './cdk-flags';
import { type Pattern, parsePattern } from './patterns';
import { parseComponentRegistry, parseLens } from './registries';
import type { ComponentRegistry, Lens } from './schema';

export type Catalog = { patterns: Pattern[]; registry: ComponentRegistry; lens: Lens };

export type CatalogPaths = {
  /** The project root: error messages show paths relative to it. */
  root: string;
  content: string;
  /** Where rendered diagram SVGs live (served as /diagrams/). */
  diagrams: string;
};

export function defaultPaths(root = process.cwd()): CatalogPaths {
  return { root, content: join(root, 'content'), diagrams: join(root, 'public', 'diagrams') };
}

/** Folders in a CDK app that are build output or installs, never source. */
const NOT_SOURCE = new Set(['node_modules', 'cdk.out', 'dist', 'site-dist', 'coverage', '__pycache__']);

export function listSourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (NOT_SOURCE.has(name) || name.startsWith('.') || name.endsWith('.tsbuildinfo')) continue;
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

function readJson(file: string, root: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ContentError(relative(root, file), [{ field: '(file)', expected: `readable JSON: ${(error as Error).message}` }]);
  }
}

/**
 * Reads and validates everything under content/. Problems from every pattern are
 * gathered first, so one build run lists all of them rather than the first.
 */
export type LoadOptions = {
  requireDiagrams?: boolean;
  /** The recommended feature flags every app's cdk.json must carry; unchecked when absent (fixtures). */
  flags?: FlagMap;
};

export function loadCatalog(paths: CatalogPaths, options: LoadOptions = {}): Catalog {
  const { root, content } = paths;
  const registry = parseComponentRegistry('content/components.json', readJson(join(content, 'components.json'), root));
  const missingIcons = iconProblems(registry);
  if (missingIcons.length) throw new ContentError('content/components.json', missingIcons);
  const lens = parseLens('content/well-architected.json', readJson(join(content, 'well-architected.json'), root));

  const patternsDir = join(content, 'patterns');
  const errors: ContentError[] = [];
  const patterns: Pattern[] = [];
  for (const slug of readdirSync(patternsDir).sort()) {
    const dir = join(patternsDir, slug);
    if (!statSync(dir).isDirectory()) continue;
    const file = relative(root, join(dir, 'index.mdx'));
    try {
      if (!existsSync(join(dir, 'index.mdx'))) {
        throw new ContentError(file, [{ field: '(file)', expected: 'every folder under content/patterns/ to hold an index.mdx' }]);
      }
      const raw = readFileSync(join(dir, 'index.mdx'), 'utf8');
      const pattern = parsePattern({ slug, file, raw, sourceFiles: listSourceFiles(join(dir, 'typescript')), pythonFiles: listSourceFiles(join(dir, 'python')) }, registry, lens);
      if (options.requireDiagrams !== false) checkRendered(pattern, paths);
      if (options.flags) checkFlags(pattern, dir, options.flags);
      checkGuaranteeTests(pattern, dir);
      patterns.push(pattern);
    } catch (error) {
      if (error instanceof ContentError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length) throw new AggregateContentError(errors);
  checkTitlesUnique(patterns);
  checkSiteLinks(patterns, registry);
  return { patterns, registry, lens };
}

function checkRendered(pattern: Pattern, paths: CatalogPaths) {
  const missing = pattern.diagrams.filter((d) => DIAGRAM_THEMES.some((t) => !existsSync(join(paths.diagrams, diagramFile(d.hash, t)))));
  if (missing.length) {
    throw new ContentError(
      pattern.file,
      missing.map((d) => ({
        field: `body: mermaid diagram "${d.title}"`,
        expected: `a rendered SVG in public/diagrams/${d.hash}-*.svg; the diagram text changed, so run "npm run diagrams" (it needs Chromium: apt-get install -y chromium, or set CHROMIUM_PATH) and commit the SVGs`,
      })),
    );
  }
}

function checkFlags(pattern: Pattern, dir: string, flags: FlagMap) {
  const problems = ['typescript', 'python']
    .filter((language) => existsSync(join(dir, language, 'cdk.json')))
    .flatMap((language) => flagProblems(readFileSync(join(dir, language, 'cdk.json'), 'utf8'), flags, `${language}/cdk.json`));
  if (problems.length) throw new ContentError(pattern.file, problems);
}

/**
 * Each guarantee names a test file of the app and a test in it. Whether that test passed is
 * checked after the tests ran (check:guarantees); here a typo fails before anything slow.
 */
function checkGuaranteeTests(pattern: Pattern, dir: string) {
  const problems = pattern.guarantees.flatMap((g, i) =>
    g.tests.flatMap((t, j) => {
      const field = `guarantees[${i}].tests[${j}]`;
      const file = join(dir, t.file);
      if (!existsSync(file)) return [{ field: `${field}.file`, expected: `a test file of this pattern; ${t.file} does not exist` }];
      const text = readFileSync(file, 'utf8');
      // node:test names are string literals; pytest names are function names.
      const quoted = t.file.endsWith('.py')
        ? text.includes(`def ${t.name}(`)
        : [`'${t.name}'`, `"${t.name}"`, `\`${t.name}\``].some((q) => text.includes(q));
      return quoted ? [] : [{ field: `${field}.name`, expected: `the exact name of a test in ${t.file}; "${t.name}" is not there` }];
    }),
  );
  if (problems.length) throw new ContentError(pattern.file, problems);
}

function checkTitlesUnique(patterns: Pattern[]) {
  const seen = new Map<string, string>();
  for (const p of patterns) {
    const other = seen.get(p.title.toLowerCase());
    if (other) throw new ContentError(p.file, [{ field: 'title', expected: `a title no other pattern uses; "${p.title}" is also used by ${other}` }]);
    seen.set(p.title.toLowerCase(), p.file);
  }
}

export class AggregateContentError extends Error {
  constructor(readonly errors: ContentError[]) {
    super(`${errors.length} content file${errors.length > 1 ? 's are' : ' is'} invalid:\n\n${errors.map((e) => e.message).join('\n\n')}`);
    this.name = 'AggregateContentError';
  }
}

export function readSourceFile(paths: CatalogPaths, slug: string, file: string, language: 'typescript' | 'python' = 'typescript'): string {
  return readFileSync(join(paths.content, 'patterns', slug, language, file), 'utf8');
}

/**
 * Links from one page to another must name a page the site builds, in the exported form
 * (trailing slash): a static host answers /patterns/x with a redirect or a 404.
 */
export function siteLinkErrors(patterns: readonly Pattern[], registry: ComponentRegistry): ContentError[] {
  const routes = new Set([
    '/', '/patterns/', '/components/', '/well-architected/', '/well-architected/coverage/', '/about/',
    ...patterns.map((p) => `/patterns/${p.slug}/`),
    ...registry.components.map((c) => `/components/${c.id}/`),
  ]);
  return patterns.flatMap((p) => {
    const problems = [...p.body.matchAll(/\]\((\/[^)\s#?]*)[^)]*\)/g)]
      .map((m) => m[1]!)
      .filter((href) => !routes.has(href) && !href.startsWith('/diagrams/'))
      .map((href) => ({
        field: `body: link ${href}`,
        expected: routes.has(`${href}/`) ? `the exported address with a trailing slash: ${href}/` : 'a page this site builds (a pattern, component, lens or index page)',
      }));
    const slugs = new Set(patterns.map((q) => q.slug));
    (p.antiPattern?.insteadUse ?? []).forEach((slug, i) => {
      const target = patterns.find((q) => q.slug === slug);
      if (!slugs.has(slug)) problems.push({ field: `antiPattern.insteadUse[${i}]`, expected: `the slug of a catalog pattern; "${slug}" is not one` });
      else if (target?.kind === 'anti-pattern') problems.push({ field: `antiPattern.insteadUse[${i}]`, expected: `a pattern that does it right; "${slug}" is an anti-pattern` });
    });
    return problems.length ? [new ContentError(p.file, problems)] : [];
  });
}

function checkSiteLinks(patterns: readonly Pattern[], registry: ComponentRegistry): void {
  const errors = siteLinkErrors(patterns, registry);
  if (errors.length) throw new AggregateContentError(errors);
}
