// Raw bytes of a pattern's app and of the rule pack's build, for the downloads (lib/downloads/).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listSourceFiles, type CatalogPaths } from './load';
import { ContentError } from './errors';

export type RawFile = { path: string; data: Uint8Array };
type Manifest = Record<string, unknown> & { name: string; version: string };

export function readAppFiles(paths: CatalogPaths, slug: string, language: 'typescript' | 'python'): RawFile[] {
  const dir = join(paths.content, 'patterns', slug, language);
  return listSourceFiles(dir).map((path) => ({ path, data: readFileSync(join(dir, path)) }));
}

export function readManifest(file: string): Manifest {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
  if (typeof json.name !== 'string' || typeof json.version !== 'string') {
    throw new ContentError(file, [{ field: 'name', expected: 'a package.json with a string "name" and "version"' }]);
  }
  return json as Manifest;
}

export const RULE_PACK_DIR = join('packages', 'cdk-nag-serverless-anti-patterns');

/** The rule pack as published: its package.json, README and built dist/ (written by its `prepare` on install). */
export function readRulePackBuild(paths: CatalogPaths): { manifest: Manifest; files: RawFile[] } {
  const dir = join(paths.root, RULE_PACK_DIR);
  const dist = join(dir, 'dist');
  if (!existsSync(join(dist, 'index.js'))) {
    throw new ContentError(join(dist, 'index.js'), [{ field: 'dist', expected: 'the built rule pack: run `npm install` (its prepare script builds dist/)' }]);
  }
  const files = listSourceFiles(dist).map((f) => ({ path: `dist/${f}`, data: readFileSync(join(dist, f)) }));
  return { manifest: readManifest(join(dir, 'package.json')), files: [{ path: 'README.md', data: readFileSync(join(dir, 'README.md')) }, ...files] };
}
