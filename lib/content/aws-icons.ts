// AWS Architecture Icons from the aws-icons package, made into one look: a 64×64 tile.
// Service icons already are tiles. Resource icons are bare 48×48 glyphs, dark on light, which
// vanish on a dark page: each is placed, unchanged, on a white tile with a light border. The
// glyph itself is never recoloured or reshaped, since AWS publishes the icons to be used as
// drawn; the tile is what makes it read on both themes.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentRegistry } from './schema';

/** The tile behind bare glyphs: white, so their own dark and coloured strokes keep their contrast. */
export const GLYPH_TILE = '<rect x="0.5" y="0.5" width="63" height="63" rx="6" fill="#fff" stroke="#94a3b8"/>';

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
  const size = Number(viewBox?.[1] ?? 48);
  const scale = 48 / size;
  return `${GLYPH_TILE}<g transform="translate(8 8)${scale === 1 ? '' : ` scale(${scale})`}">${inner}</g>`;
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
