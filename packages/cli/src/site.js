import { CliError, EXIT } from './errors.js';

export const DEFAULT_SITE = 'https://serverless-cdk-patterns.dev';
export const SITE_ENV = 'CDK_PATTERNS_SITE';

/**
 * @typedef {{ path: string, sha256: string, bytes: number }} Download
 * @typedef {'typescript' | 'python'} Language
 * @typedef {{ slug: string, title: string, summary: string, kind: string, level: string, components: string[],
 *   pillars: string[], practices: string[], languages: Language[], page: string, cdkCli?: string,
 *   downloads: Partial<Record<Language, Download>> }} PatternEntry
 * @typedef {{ version: number, components: { id: string, name: string }[],
 *   pillars: { id: string, code: string, name: string }[], patterns: PatternEntry[] }} Catalog
 */

/**
 * The site's base URL with a trailing slash: --site, else the environment, else the public site.
 * @param {string | undefined} flag
 * @param {NodeJS.ProcessEnv} env
 */
export function siteBase(flag, env) {
  const raw = flag ?? env[SITE_ENV] ?? DEFAULT_SITE;
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--site: expected an absolute http(s) URL such as ${DEFAULT_SITE}, got "${raw}"`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--site: expected an http(s) URL, got "${raw}"`, EXIT.usage);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/**
 * GET a file of the site; names the URL when the site cannot be reached or answers an error.
 * @param {string} url
 * @returns {Promise<Uint8Array>}
 */
export async function fetchBytes(url) {
  let response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e);
    throw new CliError(`Could not reach ${url} (${cause}). Check your connection, or point --site (or ${SITE_ENV}) at a copy of the site.`, EXIT.unreachable);
  }
  if (!response.ok) throw new CliError(`${url} answered ${response.status} ${response.statusText}`.trim(), EXIT.unreachable);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The site's catalog.json, checked for the fields the commands use.
 * @param {string} base
 * @returns {Promise<Catalog>}
 */
export async function fetchCatalog(base) {
  const url = new URL('catalog.json', base).href;
  const bytes = await fetchBytes(url);
  /** @type {Partial<Catalog>} */
  let json;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new CliError(`${url} is not JSON: is --site the catalog site?`, EXIT.unreachable);
  }
  if (json.version !== 1 || !Array.isArray(json.patterns)) {
    throw new CliError(`${url}: expected a catalog of version 1 with a "patterns" list; this CLI may be older than the site (npm i -g serverless-cdk-patterns-cli@latest)`, EXIT.failure);
  }
  return /** @type {Catalog} */ (json);
}
