import { getCatalog } from '@/lib/content';
import { buildSearchDocs } from '@/lib/search/search-docs';

// Written once at build time to out/search-index.json; fetched only when someone searches.
export const dynamic = 'force-static';

export function GET() {
  return Response.json({ version: 1, docs: buildSearchDocs(getCatalog()) });
}
