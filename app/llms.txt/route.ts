import { getCatalog } from '@/lib/content';
import { llmsTxt } from '@/lib/llms-txt';
import { siteConfig } from '@/lib/site-config';

// Written once at build time to out/llms.txt: the catalog as a Markdown index for language models.
export const dynamic = 'force-static';

export function GET() {
  return new Response(llmsTxt(getCatalog().patterns, siteConfig), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
