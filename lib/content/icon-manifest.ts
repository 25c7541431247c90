// public/diagrams/icons.json, committed beside the SVGs it describes: which icons each was drawn with.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IconManifest } from '../proof/diagram-icons';

export const ICON_MANIFEST = 'icons.json';

export function readIconManifest(diagramsDir: string): IconManifest | undefined {
  const file = join(diagramsDir, ICON_MANIFEST);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as IconManifest) : undefined;
}

export function writeIconManifest(diagramsDir: string, manifest: IconManifest): void {
  writeFileSync(join(diagramsDir, ICON_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}
