import { getCatalog } from '@/lib/content';
import { buildFacetDocs } from '@/lib/search/search-docs';

// Written once at build time to out/explore-docs.json. The explore view fetches it when it comes
// alive, so the A–Z page does not carry every title and summary a second time as island props.
export const dynamic = 'force-static';

export function GET() {
  return Response.json({ docs: buildFacetDocs(getCatalog()) });
}
