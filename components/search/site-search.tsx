'use client';

import { useEffect, useRef, useState } from 'react';
import type { Hit } from '@/lib/search/engine';
import { MAX_QUERY_CHARS } from '@/lib/search/limits';
import { highlight } from '@/lib/search/highlight';
import { useHydrated } from '@/components/use-hydrated';
import { Highlighted } from './highlighted';
import { useSearch } from './use-search';

// A fixed id, not useId: the header holds one search box, and the static HTML and the Preact
// island that hydrates it must agree on the id the input's aria-controls names.
const listId = 'site-search-results';

/**
 * The header search: an ARIA combobox over the fuzzy index. Without JavaScript, and until first
 * used, it is a plain GET form to the explore page, which lists every pattern. The / and Ctrl/Cmd+K
 * shortcuts live in islands/header-menu.ts, which loads with every page.
 */
export function SiteSearch() {
  const input = useRef<HTMLInputElement>(null);
  // Closing on blur waits a moment so a click on a result lands; coming back cancels it.
  const closing = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [used, setUsed] = useState(false);
  const { hits, status } = useSearch(query, used && query.trim().length >= 2);
  // Until hydrated the box is a plain GET form (data-ready tells tests the combobox is live).
  const hydrated = useHydrated();

  // The island hydrates on first use (islands/site-search.ts): the reader may already be in the box,
  // with letters typed into the plain form. Take both over so the first suggestions come at once.
  useEffect(() => {
    const box = input.current;
    if (!box || document.activeElement !== box) return;
    setUsed(true);
    if (box.value) {
      setQuery(box.value);
      setOpen(true);
    }
  }, []);

  const asked = query.trim().slice(0, MAX_QUERY_CHARS);
  const exploreHref = `/patterns/?q=${encodeURIComponent(asked)}`;
  const options = [...hits.map((h) => ({ href: `/patterns/${h.doc.slug}/`, hit: h })), { href: exploreHref, hit: undefined }];
  const expanded = open && query.trim().length >= 2;
  const go = (href: string) => window.location.assign(href);

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      const n = options.length;
      setActive((i) => (e.key === 'ArrowDown' ? (i + 1 >= n ? 0 : i + 1) : i - 1 < 0 ? n - 1 : i - 1));
    } else if (e.key === 'Enter' && expanded && active >= 0 && options[active]) {
      e.preventDefault();
      go(options[active].href);
    } else if (e.key === 'Escape') {
      // A search input clears itself on Escape; the first press should only close the list.
      if (expanded) {
        e.preventDefault();
        setOpen(false);
      }
      else setQuery('');
      setActive(-1);
    }
  };

  // Submitting checks the box itself, not the state: letters typed while the island hydrated reach the
  // state only in the effect above, and an Enter in between must still search for them.
  return (
    <form action="/patterns/" method="get" role="search" aria-label="Site search" data-ready={hydrated || undefined} className="relative" onSubmit={(e) => input.current?.value.trim() || e.preventDefault()}>
      <label htmlFor="site-search" className="sr-only">
        Search patterns
      </label>
      <input
        ref={input}
        id="site-search"
        name="q"
        // type text, not search: the HTML standard allows the combobox role only on a text input.
        type="text"
        enterKeyHint="search"
        role="combobox"
        autoComplete="off"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        aria-keyshortcuts="/ Control+K Meta+K"
        value={query}
        maxLength={MAX_QUERY_CHARS}
        onFocus={() => {
          clearTimeout(closing.current);
          setUsed(true);
        }}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onBlur={() => {
          closing.current = setTimeout(() => setOpen(false), 150);
        }}
        onKeyDown={onKeyDown}
        placeholder="Search patterns…  /"
        className="min-h-11 w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm placeholder:text-slate-500 lg:min-h-0 dark:border-slate-700 dark:bg-slate-900"
      />
      <ul
        id={listId}
        role="listbox"
        aria-label="Search results"
        hidden={!expanded}
        className="absolute right-0 z-50 mt-2 max-h-[70vh] w-[min(32rem,90vw)] overflow-y-auto rounded-lg border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
      >
        {options.map((o, i) => (
          <li
            key={o.href}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => go(o.href)}
            className={`cursor-pointer rounded-md px-3 py-2 text-sm ${i === active ? 'bg-orange-100 dark:bg-orange-950' : ''}`}
          >
            {o.hit ? <HitLine hit={o.hit} /> : <span className="text-slate-600 dark:text-slate-300">Explore all results for “{asked}”</span>}
          </li>
        ))}
      </ul>
      <p role="status" className="sr-only">
        {expanded ? (status === 'ready' ? `${hits.length} result${hits.length === 1 ? '' : 's'}` : status === 'error' ? 'Search is unavailable' : 'Searching…') : ''}
      </p>
    </form>
  );
}

function HitLine({ hit }: { hit: Hit }) {
  const title = hit.matches.find((m) => m.field === 'title');
  const reasons = [...new Set(hit.matches.map((m) => m.label))];
  return (
    <>
      <span className="block font-medium">
        <Highlighted parts={title ? highlight(title.value, title.indices) : [{ text: hit.doc.title, mark: false }]} />
      </span>
      <span className="block text-xs text-slate-600 dark:text-slate-400">Matched in {reasons.join(', ')}</span>
    </>
  );
}
