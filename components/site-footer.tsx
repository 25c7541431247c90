import Link from 'next/link';
import { siteConfig } from '@/lib/site-config';

export function SiteFooter() {
  return (
    <footer className="border-t border-slate-200 py-8 text-sm text-slate-600 dark:border-slate-800 dark:text-slate-400">
      <div className="mx-auto flex max-w-6xl flex-wrap gap-x-6 gap-y-2 px-4 sm:px-6">
        <p>Every pattern is synthesized, checked with cdk-nag and tested on each build.</p>
        <a href={siteConfig.repository.url} className="underline-offset-2 hover:underline">
          Source on GitHub
        </a>
        <Link href="/creators/" className="underline-offset-2 hover:underline">
          Creators
        </Link>
        <a href="/feed.xml" className="underline-offset-2 hover:underline">
          Atom feed
        </a>
        <Link href="/about/" className="underline-offset-2 hover:underline">
          About
        </Link>
      </div>
    </footer>
  );
}
