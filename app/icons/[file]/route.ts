import { getCatalog, getComponentIconSvg } from '@/lib/content';

// One SVG per component at /icons/<id>.svg (componentIconSrc), written at build time from the
// aws-icons package, so nothing generated is committed.
export const dynamic = 'force-static';
export const dynamicParams = false;

export function generateStaticParams() {
  return getCatalog().registry.components.map((c) => ({ file: `${c.id}.svg` }));
}

export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  const svg = getComponentIconSvg(file.replace(/\.svg$/, ''));
  if (!svg) return new Response('Not found', { status: 404 });
  return new Response(svg, { headers: { 'Content-Type': 'image/svg+xml' } });
}
