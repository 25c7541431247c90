import GithubSlugger from 'github-slugger';
import matter from 'gray-matter';
import { type Diagram, extractDiagrams } from './diagrams';
import { ContentError, zodProblems } from './errors';
import { componentById, lensLookup } from './registries';
import { type ComponentRegistry, type Frontmatter, frontmatterSchema, kebabId, type Lens } from './schema';
import { closest } from './suggest';

export type Pattern = Frontmatter & {
  slug: string;
  /** Path of index.mdx relative to the project, for error messages and edit links. */
  file: string;
  /** The MDX body with every mermaid fence replaced by an <ArchitectureDiagram> placeholder. */
  body: string;
  /** Title without a leading "The", as the A–Z list files "The Big Fan" under B. */
  sortKey: string;
  letter: string;
  diagrams: Diagram[];
  /** Files of the pattern's typescript/ folder, relative to it, sorted. */
  sourceFiles: string[];
  /** Files of the pattern's python/ folder, relative to it, sorted; empty until it has one. */
  pythonFiles: string[];
};

export type PatternInput = { slug: string; file: string; raw: string; sourceFiles: readonly string[]; pythonFiles?: readonly string[] };

type Problem = { field: string; expected: string };

function requiredSourceFiles(slug: string): string[] {
  return ['package.json', 'cdk.json', 'tsconfig.json', `bin/${slug}.ts`, `lib/${slug}-stack.ts`];
}

export function sortKeyOf(title: string): string {
  return title.replace(/^the\s+/i, '').trim().toLowerCase();
}

/** The anchor of a source file on the page; Python files are prefixed so both languages can share a name. */
export function languageAnchor(language: string, path: string): string {
  return sourceAnchor(language === 'python' ? `python/${path}` : path);
}

export function sourceAnchor(path: string): string {
  return `source-${path.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}`;
}

/** Links in the body that point into the pattern's own typescript/ folder: checked, then sent to the Source section. */
function checkSourceLinks(body: string, files: Record<'typescript' | 'python', ReadonlySet<string>>, problems: Problem[]): string {
  return body.replace(/\]\(\.\/(typescript|python)\/([^)#\s]+)\)/g, (_m, language: 'typescript' | 'python', target: string) => {
    if (!files[language].has(target)) {
      problems.push({ field: `body: link ./${language}/${target}`, expected: `a file that exists in this pattern's ${language}/ folder` });
    }
    return `](#${languageAnchor(language, target)})`;
  });
}

const REQUIRED_PYTHON = ['app.py', 'cdk.json', 'requirements.txt', 'requirements-dev.txt'];

/** The languages a page lists and the app folders it has must agree. */
function checkLanguages(languages: readonly string[], pythonFiles: readonly string[], problems: Problem[]) {
  const hasPython = pythonFiles.length > 0;
  if (hasPython && !languages.includes('python')) problems.push({ field: 'languages', expected: 'to include python: the pattern has a python/ app' });
  if (!languages.includes('typescript')) problems.push({ field: 'languages', expected: 'to include typescript: every pattern has a typescript/ app' });
  if (!languages.includes('python')) return;
  for (const f of REQUIRED_PYTHON) if (!pythonFiles.includes(f)) problems.push({ field: `python/${f}`, expected: 'this file to exist: languages lists python' });
  if (!pythonFiles.some((f) => /^tests\/test_.+\.py$/.test(f))) problems.push({ field: 'python/tests/', expected: 'at least one tests/test_*.py file' });
}

/** The sections an anti-pattern page has, in this order, as `##` headings. */
export const ANTI_PATTERN_SECTIONS = ['What it looks like', 'Why it hurts', 'How to spot it', 'What to do instead', 'The fix, step by step'] as const;

function checkAntiPattern(fm: Frontmatter, content: string, diagramCount: number, problems: Problem[]) {
  if (!fm.antiPattern) {
    problems.push({ field: 'antiPattern', expected: 'a block { rule, before, after, insteadUse }: kind is "anti-pattern"' });
    return;
  }
  if (fm.antiPattern.before === fm.antiPattern.after) problems.push({ field: 'antiPattern.after', expected: 'a stack id other than antiPattern.before' });
  if (diagramCount !== 2) {
    problems.push({ field: 'body', expected: `two \`\`\`mermaid diagrams, the first drawing the "before" stack and the second the "after" stack; found ${diagramCount}` });
  }
  const headings = [...content.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^##\s+(.+?)\s*$/gm)].map((m) => m[1]!);
  let at = -1;
  for (const section of ANTI_PATTERN_SECTIONS) {
    const found = headings.indexOf(section);
    if (found < 0) problems.push({ field: `body: section "${section}"`, expected: `a "## ${section}" heading: every anti-pattern page has ${ANTI_PATTERN_SECTIONS.join(', ')}` });
    else if (found < at) problems.push({ field: `body: section "${section}"`, expected: `the sections in this order: ${ANTI_PATTERN_SECTIONS.join(', ')}` });
    else at = found;
  }
}

/** Ids the pattern page gives its own sections; a body heading must not take them. */
export const RESERVED_SECTION_IDS = ['guarantees', 'before-you-deploy', 'clean-up', 'mapping', 'review', 'as-built', 'creators', 'source', 'template'] as const;

function checkHeadingIds(body: string, problems: Problem[]) {
  const slugger = new GithubSlugger();
  const prose = body.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, text] of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const id = slugger.slug(text!);
    if ((RESERVED_SECTION_IDS as readonly string[]).includes(id) || id.startsWith('source-')) {
      problems.push({ field: `body: heading "${text}"`, expected: `a heading whose anchor is not "${id}", which the page uses for its own section` });
    }
  }
}

export function parsePattern(input: PatternInput, registry: ComponentRegistry, lens: Lens): Pattern {
  const { slug, file } = input;
  const problems: Problem[] = [];
  if (!kebabId.safeParse(slug).success) {
    throw new ContentError(file, [{ field: '(folder name)', expected: `a kebab-case slug; got "${slug}"` }]);
  }

  let parsedMatter: matter.GrayMatterFile<string>;
  try {
    // A fresh options object: gray-matter caches results by input string otherwise.
    parsedMatter = matter(input.raw, {});
  } catch (error) {
    throw new ContentError(file, [{ field: '(frontmatter)', expected: `valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  if (Object.keys(parsedMatter.data).length === 0) {
    throw new ContentError(file, [{ field: '(frontmatter)', expected: 'a YAML block between --- lines at the top of the file' }]);
  }
  const parsed = frontmatterSchema.safeParse(parsedMatter.data);
  if (!parsed.success) throw new ContentError(file, zodProblems(parsed.error));
  const fm = parsed.data;

  const components = componentById(registry);
  const knownIds = [...components.keys()];
  fm.components.forEach((id, i) => {
    if (!components.has(id)) {
      const hint = closest(id, knownIds) ?? registry.components.find((c) => c.aliases.includes(id))?.id;
      problems.push({
        field: `components[${i}]`,
        expected: `a component id from content/components.json; "${id}" is unknown${hint ? ` (did you mean "${hint}"?)` : ''}`,
      });
    }
    if (fm.components.indexOf(id) !== i) problems.push({ field: `components[${i}]`, expected: `each component once; "${id}" is repeated` });
  });

  const lookup = lensLookup(lens);
  fm.wellArchitected.forEach((entry, i) => {
    if ('practice' in entry && !lookup.practice(entry.practice)) {
      problems.push({ field: `wellArchitected[${i}].practice`, expected: `a practice id from content/well-architected.json; "${entry.practice}" does not exist` });
    }
    if ('question' in entry && !lookup.question(entry.question)) {
      problems.push({ field: `wellArchitected[${i}].question`, expected: `a question id from content/well-architected.json; "${entry.question}" does not exist` });
    }
  });

  if (fm.updated && fm.updated < fm.added) problems.push({ field: 'updated', expected: `a date on or after added (${fm.added})` });

  const files = new Set(input.sourceFiles);
  for (const required of requiredSourceFiles(slug)) {
    if (!files.has(required)) problems.push({ field: `typescript/${required}`, expected: 'this file to exist: every pattern ships a complete CDK app' });
  }
  if (!input.sourceFiles.some((f) => /^test\/.+\.test\.ts$/.test(f))) {
    problems.push({ field: 'typescript/test/', expected: 'at least one test/*.test.ts file' });
  }

  const { body, diagrams, problems: diagramProblems } = extractDiagrams(parsedMatter.content);
  problems.push(...diagramProblems);
  if (fm.kind === 'anti-pattern') checkAntiPattern(fm, parsedMatter.content, diagrams.length, problems);
  else {
    if (fm.antiPattern) problems.push({ field: 'antiPattern', expected: 'no antiPattern block unless kind is "anti-pattern"' });
    if (diagrams.length === 0) problems.push({ field: 'body', expected: 'a ```mermaid architecture diagram' });
  }
  const pythonFiles = [...(input.pythonFiles ?? [])].sort();
  checkLanguages(fm.languages, pythonFiles, problems);
  const linked = checkSourceLinks(body, { typescript: files, python: new Set(pythonFiles) }, problems);
  checkHeadingIds(body, problems);

  if (problems.length) throw new ContentError(file, problems);
  const sortKey = sortKeyOf(fm.title);
  return {
    ...fm,
    slug,
    file,
    body: linked,
    sortKey,
    letter: /^[a-z]/.test(sortKey) ? sortKey[0]!.toUpperCase() : '#',
    diagrams,
    sourceFiles: [...input.sourceFiles].sort(),
    pythonFiles,
  };
}
