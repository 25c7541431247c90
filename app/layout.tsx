import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { LANGUAGE_SCRIPT } from '@/components/language-script';
import { SiteFooter } from '@/components/site-footer';
import { SiteHeader } from '@/components/site-header';
import { THEME_SCRIPT } from '@/components/theme/theme-script';
import { pageMetadata } from '@/lib/page-meta';
import { siteConfig } from '@/lib/site-config';
import './globals.css';

// Defaults for a page that sets none (the 404 page): every other page gives its own canonical URL and cards.
export const metadata: Metadata = {
  ...pageMetadata({}),
  metadataBase: new URL(siteConfig.url),
  title: { default: siteConfig.name, template: `%s · ${siteConfig.name}` },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* Before first paint, so a page never flashes the other language's code or the wrong theme. */}
        <script data-boot="language" dangerouslySetInnerHTML={{ __html: LANGUAGE_SCRIPT }} />
        <script data-boot="theme" dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-white font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
        >
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-10 sm:px-6">
          {children}
        </main>
        <SiteFooter />
      </body>
    </html>
  );
}
