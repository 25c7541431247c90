import Link from 'next/link';
import { SiteSearch } from '@/components/search/site-search';
import { siteConfig } from '@/lib/site-config';

const nav = [
  { href: '/patterns/', label: 'Patterns' },
  { href: '/components/', label: 'Components' },
  { href: '/well-architected/', label: 'Well-Architected' },
  { href: '/about/', label: 'About' },
];

export function SiteHeader() {
  return (
    <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
          <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-orange-500 text-sm font-bold text-white">
            λ
          </span>
          {siteConfig.name}
        </Link>
        <nav aria-label="Main" className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {nav.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              className="rounded px-1 text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <SiteSearch />
      </div>
    </header>
  );
}
