// Highlighted source listings, kept by a hash of everything that determines them, so that a build
// highlights only the files that changed, and the prebuild (scripts/highlight-sources.ts) can
// highlight a fresh clone's 2,000 files on every core before Next renders the pages.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { highlight, type Highlighted } from './highlight';

const root = process.cwd();
const modules = join(root, 'node_modules');

/** Shiki's packages and this site's own highlighting code: a change to any of them highlights everything again. */
const HIGHLIGHTER_FILES = ['lib/highlight.ts', 'lib/one-pass-themes.ts'];
let highlighterKey: string | undefined;

function getHighlighterKey(): string {
  if (highlighterKey) return highlighterKey;
  const hash = createHash('sha256');
  const packages = ['shiki', ...readdirSync(join(modules, '@shikijs')).map((name) => `@shikijs/${name}`)].sort();
  for (const name of packages) hash.update(`${name}@${JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')).version}\n`);
  for (const file of HIGHLIGHTER_FILES) hash.update(readFileSync(join(root, file)));
  highlighterKey = hash.digest('hex');
  return highlighterKey;
}

export type HighlightCache = ReturnType<typeof highlightCacheIn>;

/** A cache of highlight() results in one folder: node_modules/.cache/highlight for the site, a temporary one in tests. */
export function highlightCacheIn(dir: string) {
  const fileFor = (code: string, lang: string) => join(dir, `${createHash('sha256').update(`${getHighlighterKey()}\0${lang}\0${code}`).digest('hex').slice(0, 32)}.json`);

  const read = (file: string): Highlighted | undefined => {
    if (!existsSync(file)) return undefined;
    try {
      const value = JSON.parse(readFileSync(file, 'utf8')) as Highlighted;
      return typeof value.html === 'string' && typeof value.css === 'string' ? value : undefined;
    } catch {
      return undefined; // a damaged entry is highlighted again
    }
  };

  return {
    fileFor,
    /** Whether an entry exists (a damaged one is caught, and highlighted again, when it is read). */
    has: (code: string, lang: string) => existsSync(fileFor(code, lang)),
    /** highlight(), from the cache when this exact code was highlighted by this exact highlighter before. */
    async highlight(code: string, lang: string): Promise<Highlighted> {
      const file = fileFor(code, lang);
      const cached = read(file);
      if (cached) return cached;
      const result = await highlight(code, lang);
      // Written beside, then renamed: two build workers never see half a file.
      mkdirSync(dir, { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify(result));
      renameSync(partial, file);
      return result;
    },
    /** Removes the entries no listing uses any more (not a writer's unfinished file); returns how many went. */
    prune(keep: ReadonlySet<string>): number {
      if (!existsSync(dir)) return 0;
      const stale = readdirSync(dir).filter((name) => name.endsWith('.json')).map((name) => join(dir, name)).filter((file) => !keep.has(file));
      for (const file of stale) rmSync(file, { force: true });
      return stale.length;
    },
  };
}

export const highlightCache = highlightCacheIn(join(modules, '.cache', 'highlight'));
