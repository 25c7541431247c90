import type { MetadataRoute } from 'next';
import { getCatalog, getPatternChangeDate } from '@/lib/content';
import { siteConfig } from '@/lib/site-config';
import { sitePages } from '@/lib/site-pages';

// out/sitemap.xml: every page, lastmod from git (one `git log` for the catalog), else from the frontmatter.
export const dynamic = 'force-static';

export default function sitemap(): MetadataRoute.Sitemap {
  return sitePages(getCatalog(), (p) => getPatternChangeDate(p).date).map((page) => ({ url: `${siteConfig.url}${page.path}`, lastModified: page.lastModified }));
}
