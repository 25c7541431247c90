import { getCatalog } from '@/lib/content';
import { downloadLanguages, getDownloadZip, type Language } from '@/lib/downloads';

// One zip per pattern and language at /downloads/<slug>-<language>.zip, written at build time;
// /catalog.json carries each one's checksum.
export const dynamic = 'force-static';
export const dynamicParams = false;

export function generateStaticParams() {
  return getCatalog().patterns.flatMap((p) => downloadLanguages(p).map((language) => ({ file: `${p.slug}-${language}.zip` })));
}

export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  const match = /^(.+)-(typescript|python)\.zip$/.exec(file);
  if (!match) return new Response('Not found', { status: 404 });
  const zip = getDownloadZip(match[1]!, match[2] as Language);
  return new Response(zip.slice().buffer, { headers: { 'Content-Type': 'application/zip' } });
}
