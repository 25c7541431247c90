import { getCatalog, getDiagramSvg, type Pattern } from '@/lib/content';
import { DEFAULT_CARD } from '@/lib/page-meta';
import { socialCardSvg } from '@/lib/social-card';
import { renderCardPng } from '@/lib/social-card-render';
import { siteConfig } from '@/lib/site-config';

// One 1200×630 PNG per pattern at /social/<slug>.png (title and first diagram) and /social/default.png
// for every other page, drawn at build time; nothing generated is committed.
export const dynamic = 'force-static';
export const dynamicParams = false;

export function generateStaticParams() {
  return [DEFAULT_CARD, ...getCatalog().patterns.map((p) => p.slug)].map((name) => ({ file: `${name}.png` }));
}

function cardSvg(pattern: Pattern | undefined): string {
  if (!pattern) return socialCardSvg({ eyebrow: 'AWS CDK v2 · TypeScript and Python', title: siteConfig.description, siteName: siteConfig.name });
  const diagram = pattern.diagrams[0];
  return socialCardSvg({
    eyebrow: pattern.kind === 'anti-pattern' ? 'Anti-pattern' : 'Pattern',
    title: pattern.title,
    siteName: siteConfig.name,
    diagramSvg: diagram && getDiagramSvg(diagram.hash, 'light'),
  });
}

export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const name = (await params).file.replace(/\.png$/, '');
  const pattern = getCatalog().patterns.find((p) => p.slug === name);
  if (!pattern && name !== DEFAULT_CARD) return new Response('Not found', { status: 404 });
  const png = await renderCardPng(cardSvg(pattern));
  return new Response(Buffer.from(png), { headers: { 'Content-Type': 'image/png' } });
}
