import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { defaultPaths } from './load';
import { parseComponentRegistry, parseLens } from './registries';

export const fixturesDir = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
export const fixturePaths = { ...defaultPaths(fixturesDir), diagrams: join(fixturesDir, 'diagrams') };

export function fixtureRegistries() {
  const read = (f: string) => JSON.parse(readFileSync(join(fixturesDir, 'content', f), 'utf8'));
  return {
    registry: parseComponentRegistry('components.json', read('components.json')),
    lens: parseLens('well-architected.json', read('well-architected.json')),
  };
}
