// AWS Architecture Icons from the aws-icons package, made into one look: a 64×64 coloured tile.
// Service icons already are tiles. Resource icons are bare 48×48 glyphs, dark on light, which
// vanish on a dark page: each becomes a tile of its own colour (or slate for the general,
// squid-ink glyphs) with the glyph in white, so every icon reads on both themes.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentRegistry } from './schema';

/** The tile behind general (squid-ink) glyphs: white on it and it on white or slate-950 all exceed 3:1. */
export const GLYPH_TILE = '#5a6b86';
const SQUID_INK = /^#(23|24)2f3[de]$|^#000(000)?$/i;

// Found the way Node resolves a package, from the working directory up, else beside this source
// file (a check run in a scratch folder): Next bundles this module, so a require.resolve here
// would give a module id, not a path.
let iconsDir: string | undefined;
function awsIconsDir(): string {
  if (iconsDir) return iconsDir;
  for (let dir = process.cwd(); dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'aws-icons', 'icons');
    if (existsSync(candidate)) return (iconsDir = candidate);
  }
  return (iconsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', 'aws-icons', 'icons'));
}

export function awsIconVersion(): string {
  return (JSON.parse(readFileSync(join(awsIconsDir(), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

export function awsIconExists(ref: string): boolean {
  return existsSync(join(awsIconsDir(), `${ref}.svg`));
}

/** The inside of an icon tile, in a 64×64 view box: what a diagram's icon pack and a served icon share. */
export function tileBody(raw: string): string {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(raw);
  const inner = raw
    .replace(/^[\s\S]*?<svg[^>]*>/, '')
    .replace(/<\/svg>\s*$/, '')
    .replace(/<title>[\s\S]*?<\/title>/, '');
  if (viewBox?.[1] === '64' && viewBox[2] === '64') return inner;
  const colours = [...inner.matchAll(/(?:fill|stroke)="(#[0-9a-f]{3,6})"/gi)].map((m) => m[1]!);
  const tile = colours.find((c) => !SQUID_INK.test(c) && !/^#f{3}(f{3})?$/i.test(c)) ?? GLYPH_TILE;
  const white = inner.replace(/((?:fill|stroke)=")#[0-9a-f]{3,6}"/gi, '$1#fff"');
  const size = Number(viewBox?.[1] ?? 48);
  const scale = 48 / size;
  return `<path fill="${tile}" d="M0 0h64v64H0z"/><g transform="translate(8 8)${scale === 1 ? '' : ` scale(${scale})`}">${white}</g>`;
}

/** A standalone SVG of one icon tile, as the site serves it. */
export function tileSvg(raw: string, title: string): string {
  const safe = title.replace(/[<&>]/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><title>${safe}</title>${tileBody(raw)}</svg>`;
}

export function readAwsIcon(ref: string): string {
  return readFileSync(join(awsIconsDir(), `${ref}.svg`), 'utf8');
}

/** Components whose icon is not a file of the installed aws-icons: the author's typo, named. */
export function iconProblems(registry: ComponentRegistry, exists: (ref: string) => boolean = awsIconExists) {
  return registry.components.flatMap((c, i) =>
    exists(c.icon)
      ? []
      : [{ field: `components[${i}].icon (${c.id})`, expected: `a file of the aws-icons package, such as "architecture-service/AWSLambda" or "resource/Client"; node_modules/aws-icons/icons/${c.icon}.svg does not exist` }],
  );
}
