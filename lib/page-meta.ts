// The head every page shares: canonical URL, the feed link, Open Graph and Twitter card tags. Pure.
import type { Metadata } from 'next';
import { FEED_PATH } from './feed';
import { CARD_HEIGHT, CARD_WIDTH } from './social-card';
import { siteConfig } from './site-config';

export const DEFAULT_CARD = 'default';

/** Where a social card is served: one per pattern by slug, and the default for every other page. */
export function socialCardPath(name: string = DEFAULT_CARD): string {
  return `/social/${name}.png`;
}

export type PageMetaInput = {
  /** The page's own title; the layout's template adds the site name in <title>. */
  title?: string;
  description?: string;
  /** The page's path with its trailing slash, e.g. "/patterns/"; the layout's defaults (the 404 page) have none. */
  path?: string;
  /** A pattern's slug: its own card and og:type article. */
  pattern?: string;
  imageAlt?: string;
};

export function pageMetadata({ title, description = siteConfig.description, path, pattern, imageAlt }: PageMetaInput): Metadata {
  const url = path === undefined ? undefined : `${siteConfig.url}${path}`;
  const socialTitle = title ?? siteConfig.name;
  const image = {
    url: `${siteConfig.url}${socialCardPath(pattern)}`,
    width: CARD_WIDTH,
    height: CARD_HEIGHT,
    alt: imageAlt ?? (pattern ? `${socialTitle}: title and architecture diagram` : `${siteConfig.name}: ${siteConfig.description}`),
    type: 'image/png',
  };
  return {
    ...(title ? { title } : {}),
    description,
    alternates: { ...(url ? { canonical: url } : {}), types: { 'application/atom+xml': [{ url: `${siteConfig.url}${FEED_PATH}`, title: `${siteConfig.name}: new and updated patterns` }] } },
    openGraph: { type: pattern ? 'article' : 'website', ...(url ? { url } : {}), title: socialTitle, description, siteName: siteConfig.name, locale: 'en_US', images: [image] },
    twitter: { card: 'summary_large_image', title: socialTitle, description, images: [{ url: image.url, alt: image.alt }] },
  };
}
