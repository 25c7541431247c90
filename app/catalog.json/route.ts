import { getCatalogJson } from '@/lib/downloads';

// What the CLI reads: every pattern with its facets, page and downloads (path, SHA-256, size).
export const dynamic = 'force-static';

export function GET() {
  return Response.json(getCatalogJson());
}
