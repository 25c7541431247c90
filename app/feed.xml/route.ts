import { getCatalog } from '@/lib/content';
import { atomFeed } from '@/lib/feed';
import { siteConfig } from '@/lib/site-config';

// Written once at build time to out/feed.xml; every page's head links it.
export const dynamic = 'force-static';

export function GET() {
  return new Response(atomFeed(getCatalog().patterns, siteConfig), { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
}
