import type { MetadataRoute } from 'next';
import { siteConfig } from '@/lib/site-config';

// out/robots.txt: everything may be crawled; the sitemap lists every page.
export const dynamic = 'force-static';

export default function robots(): MetadataRoute.Robots {
  return { rules: { userAgent: '*', allow: '/' }, sitemap: `${siteConfig.url}/sitemap.xml` };
}
