import Link from 'next/link';
import { HeaderMenu } from '@/components/header-menu';
import { Island } from '@/components/island';
import { SiteSearch } from '@/components/search/site-search';
import { ThemeToggle } from '@/components/theme/theme-toggle';
import { siteConfig } from '@/lib/site-config';

const nav = [
  { href: '/patterns/', label: 'Patterns' },
  { href: '/components/', label: 'Components' },
  { href: '/well-architected/', label: 'Well-Architected' },
  { href: '/about/', label: 'About' },
];

/** One line on a phone: the name and a Menu button; the rest folds into the menu below lg. */
export function SiteHeader() {
  return (
    <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 px-4 py-1.5 sm:px-6 lg:flex-nowrap">
        <Link href="/" className="flex min-h-11 shrink-0 items-center gap-2 font-semibold tracking-tight">
          <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-orange-500 text-sm font-bold text-white">
            λ
          </span>
          {siteConfig.name}
        </Link>
        <Island name="header-menu" component={HeaderMenu} props={{}} />
        {/* The menu panel: HeaderMenu opens it below lg by setting data-open. */}
        <div
          id="site-menu"
          className="hidden w-full flex-col gap-3 pb-3 data-open:flex lg:flex lg:w-auto lg:min-w-0 lg:flex-1 lg:flex-row lg:items-center lg:gap-4 lg:pb-0"
        >
          <nav aria-label="Main" className="flex shrink-0 flex-col text-sm lg:flex-row">
            {nav.map((item) => (
              <Link
                key={item.href}
                href={item.href}
                className="flex min-h-11 items-center rounded px-2 text-slate-600 hover:bg-slate-100 hover:text-slate-900 lg:min-h-9 lg:hover:bg-transparent dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white lg:dark:hover:bg-transparent"
              >
                {item.label}
              </Link>
            ))}
          </nav>
          {/* From lg up the search box is what gives way when the row is tight. */}
          <div className="flex min-w-0 flex-col items-start gap-3 lg:ml-auto lg:flex-row lg:items-center [&_form]:w-full lg:[&_form]:w-64 lg:[&_form]:min-w-0 lg:[&_form]:shrink">
            <Island name="site-search" component={SiteSearch} props={{}} />
            <Island name="theme-toggle" component={ThemeToggle} props={{}} />
          </div>
        </div>
      </div>
    </header>
  );
}
