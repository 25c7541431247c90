import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { CliError, EXIT } from './errors.js';
import { findPattern } from './filter.js';
import { fetchBytes } from './site.js';

/** @typedef {import('./site.js').Catalog} Catalog */
/** @typedef {import('./site.js').Language} Language */

/**
 * The download's bytes, only if they are exactly what the catalog says.
 * @param {Uint8Array} bytes
 * @param {import('./site.js').Download} expected
 * @param {string} url
 */
export function verifyDownload(bytes, expected, url) {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== expected.sha256 || bytes.byteLength !== expected.bytes) {
    throw new CliError(
      `Checksum mismatch for ${url}: the catalog says ${expected.bytes} bytes with SHA-256 ${expected.sha256}, the download is ${bytes.byteLength} bytes with ${sha256}. Nothing was written; try again, and report it if it persists.`,
      EXIT.checksum,
    );
  }
}

/**
 * The zip's files under its one top folder, as paths relative to the target. Refuses any entry
 * that would land outside it.
 * @param {Uint8Array} zip
 * @param {string} folder
 * @returns {{ path: string, data: Uint8Array }[]}
 */
export function unpack(zip, folder) {
  const entries = unzipSync(zip);
  return Object.entries(entries)
    .filter(([name]) => !name.endsWith('/'))
    .map(([name, data]) => {
      const path = name.startsWith(`${folder}/`) ? name.slice(folder.length + 1) : '';
      if (!path || path.split('/').some((part) => part === '..' || part === '') || path.startsWith('/')) {
        throw new CliError(`The download holds an unexpected entry "${name}" (expected everything under ${folder}/); nothing was written.`, EXIT.checksum);
      }
      return { path, data };
    });
}

/** @param {string} dir */
function isEmptyDir(dir) {
  return !existsSync(dir) || (statSync(dir).isDirectory() && readdirSync(dir).length === 0);
}

/**
 * Fetch a pattern's app for one language, verify it and write it to `dir`.
 * @param {{ catalog: Catalog, base: string, slug: string, dir?: string, language: Language, force: boolean, cwd: string }} options
 */
export async function initPattern({ catalog, base, slug, dir, language, force, cwd }) {
  const pattern = findPattern(catalog, slug);
  const download = pattern.downloads[language];
  if (!download) {
    throw new CliError(`"${slug}" has no ${language} app; it comes in ${pattern.languages.join(' and ')} (--lang ${pattern.languages[0]}).`, EXIT.usage);
  }
  const target = resolve(cwd, dir ?? slug);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new CliError(`${target} exists and is a file; choose another folder.`, EXIT.notEmpty);
  if (!force && !isEmptyDir(target)) {
    throw new CliError(`${target} is not empty; choose another folder, or add --force to write the app's files into it (files of the same name are overwritten).`, EXIT.notEmpty);
  }
  const url = new URL(download.path, base).href;
  const zip = await fetchBytes(url);
  verifyDownload(zip, download, url);
  const files = unpack(zip, `${slug}-${language}`);
  for (const f of files) {
    const out = join(target, ...f.path.split('/'));
    if (relative(target, out).startsWith(`..${sep}`)) throw new CliError(`Refusing to write outside ${target}: ${f.path}`, EXIT.checksum);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, f.data);
  }
  return { pattern, target, files: files.length, url };
}

/**
 * What to run next, matching the README in the app.
 * @param {Language} language
 * @param {string} where the folder as the user should type it
 * @param {string | undefined} cdkCli the CDK CLI version the catalog pins
 */
export function nextSteps(language, where, cdkCli) {
  const install = language === 'python' ? ['python3 -m venv .venv && source .venv/bin/activate', 'pip install -r requirements-dev.txt'] : ['npm ci'];
  const test = language === 'python' ? 'pytest' : 'npm test';
  const cdk = language === 'python' ? `npx aws-cdk@${cdkCli ?? '<the version README.md names>'}` : 'npx cdk';
  return [`cd ${where}`, ...install, `${cdk} synth`, test].map((l) => `  ${l}`).join('\n');
}
