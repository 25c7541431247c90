// The social card (Open Graph / Twitter image) of a page as one SVG: pure string work, rendered to PNG elsewhere.
export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;

export type CardInput = {
  /** The small line above the title: "Pattern", "Anti-pattern" or the site's tagline. */
  eyebrow: string;
  title: string;
  siteName: string;
  /** A light-theme diagram as Mermaid wrote it; the card draws the title alone without one. */
  diagramSvg?: string;
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeXml = (s: string) => s.replace(/[&<>"]/g, (c) => ESCAPES[c]!);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/**
 * Greedy word wrap by an estimated glyph width (sans-serif averages about 0.56 em); a title that needs more
 * lines than it gets ends in an ellipsis rather than running off the card.
 */
export function wrapText(text: string, fontSize: number, maxWidth: number, maxLines: number): string[] {
  const perLine = Math.max(1, Math.floor(maxWidth / (fontSize * 0.56)));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= perLine || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1]!.replace(/[\s,.;:]+$/, '').slice(0, perLine - 1)}…`;
  return kept;
}

/**
 * Mermaid writes node labels as HTML inside <foreignObject>, which SVG renderers without a browser skip;
 * each becomes centred <text> lines in the same box so the card's diagram keeps its labels.
 */
export function labelsToText(svg: string): string {
  return svg.replace(/<foreignObject\b([^>]*)>([\s\S]*?)<\/foreignObject>/g, (_m, attrs: string, html: string) => {
    const width = Number(/\bwidth="([\d.]+)"/.exec(attrs)?.[1] ?? 0);
    const lines = html
      .split(/<br\s*\/?>/i)
      .map((part) => ({ text: decodeEntities(part.replace(/<[^>]+>/g, '')).trim(), bold: /<(b|strong)\b/i.test(part) }))
      .filter((l) => l.text);
    const tspans = lines
      .map((l, i) => `<tspan x="${width / 2}" y="${i * 24 + 17}"${l.bold ? ' font-weight="bold"' : ''}>${escapeXml(l.text)}</tspan>`)
      .join('');
    return `<text text-anchor="middle" font-size="16" fill="#333333">${tspans}</text>`;
  });
}

type Box = { x: number; y: number; width: number; height: number };

/** Places the diagram's own <svg> in a box of the card, keeping its id so its scoped styles still apply. */
export function placeDiagram(svg: string, box: Box): string {
  const open = /^[\s\S]*?<svg\b([^>]*)>/.exec(svg);
  if (!open) throw new Error('social card: the diagram is not an SVG document');
  const id = /\bid="([^"]+)"/.exec(open[1]!)?.[1];
  const viewBox = /\bviewBox="([^"]+)"/.exec(open[1]!)?.[1];
  if (!viewBox) throw new Error('social card: the diagram SVG has no viewBox');
  // Drop shadows are invisible at card size and most of the render time.
  const inner = labelsToText(svg.slice(open[0].length).replace(/<\/svg>\s*$/, ''))
    .replace(/\sfilter="[^"]*"/g, '')
    .replace(/filter:\s*drop-shadow\([^)]*\)\)?;?/g, '');
  const attrs = [id && `id="${id}"`, `x="${box.x}"`, `y="${box.y}"`, `width="${box.width}"`, `height="${box.height}"`, `viewBox="${viewBox}"`, 'preserveAspectRatio="xMidYMid meet"'];
  return `<svg ${attrs.filter(Boolean).join(' ')}>${inner}</svg>`;
}

/** Width over height of an SVG's viewBox. */
export function aspectOf(svg: string): number {
  const [, , w, h] = (/\bviewBox="([^"]+)"/.exec(svg)?.[1] ?? '0 0 1 1').split(/[\s,]+/).map(Number);
  return w && h ? w / h : 1;
}

function textBlock(lines: string[], x: number, y: number, size: number, attrs: string): string {
  return lines.map((l, i) => `<text x="${x}" y="${y + i * size * 1.2}" font-size="${size}" ${attrs}>${escapeXml(l)}</text>`).join('');
}

/**
 * The card: the site's mark and name at the foot, the eyebrow and title, and the diagram beside the title
 * when it is tall or below it when it is wide, so either kind fills its box.
 */
export function socialCardSvg(input: CardInput): string {
  const margin = 64;
  const parts: string[] = [`<rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fill="#ffffff"/>`, `<rect width="${CARD_WIDTH}" height="12" fill="#f97316"/>`];
  const wide = input.diagramSvg ? aspectOf(input.diagramSvg) >= 1.6 : true;
  const textWidth = wide ? CARD_WIDTH - 2 * margin : 460;
  const size = input.diagramSvg ? 46 : 56;
  const title = wrapText(input.title, size, textWidth, wide ? (input.diagramSvg ? 2 : 5) : 6);
  parts.push(textBlock([input.eyebrow.toUpperCase()], margin, 84, 24, 'font-weight="bold" letter-spacing="2" fill="#c2410c"'));
  parts.push(textBlock(title, margin, 84 + 24 + size, size, 'font-weight="bold" fill="#0f172a"'));
  if (input.diagramSvg) {
    const titleBottom = 84 + 24 + size * 1.2 * title.length;
    const box = wide
      ? { x: margin, y: titleBottom + 8, width: CARD_WIDTH - 2 * margin, height: CARD_HEIGHT - titleBottom - 8 - 96 }
      : { x: margin + textWidth + 40, y: 48, width: CARD_WIDTH - margin - textWidth - 40 - margin + 24, height: CARD_HEIGHT - 48 - 40 };
    parts.push(`<rect x="${box.x - 8}" y="${box.y - 8}" width="${box.width + 16}" height="${box.height + 16}" rx="12" fill="#ffffff" stroke="#e2e8f0" stroke-width="2"/>`);
    parts.push(placeDiagram(input.diagramSvg, box));
  }
  const footY = CARD_HEIGHT - 52;
  parts.push(`<rect x="${margin}" y="${footY - 30}" width="40" height="40" rx="8" fill="#f97316"/>`);
  parts.push(`<text x="${margin + 20}" y="${footY - 1}" font-size="26" font-weight="bold" fill="#ffffff" text-anchor="middle">λ</text>`);
  parts.push(textBlock([input.siteName], margin + 56, footY, 28, 'font-weight="bold" fill="#334155"'));
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}" font-family="Geist, sans-serif">${parts.join('')}</svg>`;
}
