'use client';

import { useEffect, useRef } from 'react';

/** Hides the cards that do not contain every typed word, and says how many remain. */
function applyFilter(query: string, status: HTMLElement | null) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  let visible = 0;
  for (const card of document.querySelectorAll<HTMLElement>('[data-pattern]')) {
    const match = words.every((w) => (card.textContent ?? '').toLowerCase().includes(w));
    card.hidden = !match;
    if (match) visible++;
  }
  if (status) status.textContent = words.length ? `${visible} pattern${visible === 1 ? '' : 's'} match “${query}”` : '';
}

/**
 * A light text filter over the cards already on the page: without JavaScript the
 * page still lists every pattern. It works on the DOM, so it needs no copy of the data.
 */
export function PatternFilter() {
  const input = useRef<HTMLInputElement>(null);
  const status = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    // Header search forms land here with ?q=; pick it up once on arrival.
    const q = new URLSearchParams(window.location.search).get('q') ?? '';
    if (q && input.current) {
      input.current.value = q;
      applyFilter(q, status.current);
    }
  }, []);

  return (
    <div className="mb-8 max-w-md">
      <label htmlFor="pattern-filter" className="text-sm font-medium">
        Filter this list
      </label>
      <input
        ref={input}
        id="pattern-filter"
        type="search"
        onChange={(e) => applyFilter(e.target.value, status.current)}
        placeholder="Type a name or a component"
        className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
      />
      <p ref={status} role="status" className="mt-1 min-h-5 text-sm text-slate-500 dark:text-slate-400" />
    </div>
  );
}
