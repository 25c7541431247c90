import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { CatalogPaths } from './load';

export const regionSupportSchema = z.strictObject({
  source: z.string(),
  regions: z.array(z.string()).min(1),
  /** Per resource type, one character per Region in `regions`: "1" where the type exists. */
  types: z.record(z.string(), z.string().regex(/^[01]+$/)),
});
export type RegionSupport = z.infer<typeof regionSupportSchema>;

export const regionSupportFile = (paths: CatalogPaths) => join(paths.root, 'snapshots', 'region-support.json');

export function readRegionSupport(paths: CatalogPaths): RegionSupport | undefined {
  const file = regionSupportFile(paths);
  return existsSync(file) ? regionSupportSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
}

export type RegionFit = { everywhere: boolean; gaps: { region: string; types: string[] }[]; unknown: string[]; source: string; regionCount: number };

/** Where every one of a pattern's resource types exists, and where some do not. */
export function regionFit(types: readonly string[], data: RegionSupport): RegionFit {
  const gaps = data.regions
    .map((region, i) => ({ region, types: types.filter((t) => data.types[t]?.[i] === '0') }))
    .filter((g) => g.types.length > 0);
  return { everywhere: gaps.length === 0, gaps, unknown: types.filter((t) => !data.types[t]), source: data.source, regionCount: data.regions.length };
}
