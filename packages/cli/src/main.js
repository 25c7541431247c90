import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { CliError, EXIT } from './errors.js';
import { filterPatterns, findPattern, parseLanguage } from './filter.js';
import { initPattern, nextSteps } from './init.js';
import { DEFAULT_SITE, SITE_ENV, fetchCatalog, siteBase } from './site.js';

export const USAGE = `Usage: cdk-patterns <command> [options]

Commands:
  list [search terms]          List patterns (filters: --component, --pillar, --language; --json)
  init <slug> [dir]            Write a pattern's standalone CDK app to dir (default: ./<slug>)
                               --lang typescript|python (default typescript), --force to write into a non-empty dir
  open <slug>                  Open the pattern's page in the browser (--print only prints its URL)

Options:
  --site <url>                 The catalog site (default ${DEFAULT_SITE}, or $${SITE_ENV})
  -h, --help                   Show this help
`;

/**
 * @typedef {{ argv: string[], env: NodeJS.ProcessEnv, cwd: string, out: (s: string) => void, err: (s: string) => void,
 *   openUrl: (url: string) => Promise<unknown> }} Io
 */

const OPTIONS = /** @type {const} */ ({
  site: { type: 'string' },
  component: { type: 'string' },
  pillar: { type: 'string' },
  language: { type: 'string' },
  lang: { type: 'string' },
  force: { type: 'boolean' },
  print: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
});

/** @param {string[]} argv */
function parse(argv) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`, EXIT.usage);
  }
}

/**
 * @param {import('./site.js').PatternEntry[]} patterns
 * @param {(s: string) => void} out
 */
function printList(patterns, out) {
  const width = Math.max(0, ...patterns.map((p) => p.slug.length));
  for (const p of patterns) {
    const langs = p.languages.map((l) => (l === 'typescript' ? 'ts' : 'py')).join(',');
    out(`${p.slug.padEnd(width)}  ${langs.padEnd(5)}  ${p.title}${p.kind === 'anti-pattern' ? ' (anti-pattern)' : ''}`);
  }
}

/**
 * Runs one command; returns the exit code. Failures the user can fix print one clear line.
 * @param {Io} io
 */
export async function main(io) {
  try {
    const { values, positionals } = parse(io.argv);
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      io.out(USAGE);
      return command || values.help ? EXIT.ok : EXIT.usage;
    }
    const base = siteBase(values.site, io.env);
    if (command === 'list') {
      const catalog = await fetchCatalog(base);
      const found = filterPatterns(catalog, { component: values.component, pillar: values.pillar, language: values.language ?? values.lang, search: rest.join(' ') });
      if (values.json) io.out(JSON.stringify(found, null, 2));
      else if (found.length) printList(found, io.out);
      else io.err('No pattern matches those filters.');
      return EXIT.ok;
    }
    if (command === 'init') {
      const [slug, dir, ...extra] = rest;
      if (!slug || extra.length) throw new CliError(`init: expected a pattern slug and at most one folder\n\n${USAGE}`, EXIT.usage);
      const language = parseLanguage(values.lang ?? values.language ?? 'typescript', '--lang');
      const catalog = await fetchCatalog(base);
      const done = await initPattern({ catalog, base, slug, dir, language, force: values.force ?? false, cwd: io.cwd });
      const where = relative(io.cwd, done.target) || '.';
      io.out(`Wrote ${done.files} files of ${done.pattern.title} (${language}) to ${where}/, checked against the catalog's SHA-256.`);
      io.out(`Next (README.md has deploy, try and clean-up):\n${nextSteps(language, where, done.pattern.cdkCli)}`);
      return EXIT.ok;
    }
    if (command === 'open') {
      const [slug, ...extra] = rest;
      if (!slug || extra.length) throw new CliError(`open: expected one pattern slug\n\n${USAGE}`, EXIT.usage);
      const pattern = findPattern(await fetchCatalog(base), slug);
      const url = new URL(pattern.page, base).href;
      io.out(url);
      if (!values.print) await io.openUrl(url);
      return EXIT.ok;
    }
    throw new CliError(`Unknown command "${command}"\n\n${USAGE}`, EXIT.usage);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`cdk-patterns: ${e.message}`);
      return e.code;
    }
    throw e;
  }
}
