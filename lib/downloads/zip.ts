import { zipSync, type Zippable } from 'fflate';

export type ZipFile = { path: string; data: Uint8Array };

// DOS timestamps are local wall-clock fields and fflate reads them with local getters: a date built from local
// fields gives the same bytes in every time zone. 1 January 2000 also avoids any daylight-saving gap.
const FIXED_TIME = () => new Date(2000, 0, 1, 0, 0, 0);
// Unix "regular file, rw-r--r--" in the high half of the external attributes, with os = 3 (Unix).
const FILE_MODE = 0o100644 << 16;

/**
 * A zip whose bytes depend only on the files: entries sorted by path, one fixed timestamp and mode, one
 * compression level, no extra fields. Everything sits under `folder/`, so unzipping makes one folder.
 */
export function deterministicZip(folder: string, files: readonly ZipFile[]): Uint8Array {
  const seen = new Set<string>();
  const input: Zippable = {};
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!f.path.split('/').every((part) => /^[\w.@-]+$/.test(part) && part !== '.' && part !== '..')) throw new Error(`zip entry "${f.path}": expected a relative path of plain names`);
    if (seen.has(f.path)) throw new Error(`zip entry "${f.path}" appears twice`);
    seen.add(f.path);
    input[`${folder}/${f.path}`] = [f.data, { level: 9, mtime: FIXED_TIME(), os: 3, attrs: FILE_MODE }];
  }
  return zipSync(input);
}
