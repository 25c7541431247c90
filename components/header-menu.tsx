'use client';

import { type ReactNode, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

const isTyping = (el: Element | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/**
 * Below the lg breakpoint the header's nav, search and theme toggle fold behind a Menu button;
 * from lg up they sit in the header row and the button hides. Without JavaScript the button
 * hides and the contents show (globals.css, keyed on html[data-js]).
 */
export function HeaderMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  // The search shortcuts (/ and Ctrl/Cmd+K) focus the search box, which a closed menu hides: open it
  // first. Document listeners run before the search box's window listener, so the box is shown by then.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const shortcut = (e.key === 'k' || e.key === 'K') && (e.metaKey || e.ctrlKey);
      if (!shortcut && !(e.key === '/' && !isTyping(document.activeElement))) return;
      if (button.current?.checkVisibility() && panel.current && !panel.current.checkVisibility()) flushSync(() => setOpen(true));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      // The search box uses Escape first to close its own list.
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <>
      <button
        ref={button}
        type="button"
        data-needs-js
        aria-expanded={open}
        aria-controls="site-menu"
        onClick={() => setOpen((o) => !o)}
        className="ml-auto grid h-11 w-11 place-items-center rounded-md border border-slate-200 text-slate-700 hover:bg-slate-100 lg:hidden dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
      >
        <span className="sr-only">Menu</span>
        <svg aria-hidden viewBox="0 0 24 24" className="h-5 w-5 fill-none stroke-current stroke-2 [stroke-linecap:round]">
          <path d={open ? 'M6 6l12 12M18 6 6 18' : 'M4 7h16M4 12h16M4 17h16'} />
        </svg>
      </button>
      <div
        ref={panel}
        id="site-menu"
        data-open={open || undefined}
        // A followed link leaves the menu closed behind it (Next.js keeps the header mounted).
        onClick={(e) => (e.target as Element).closest('a') && setOpen(false)}
        className="hidden w-full flex-col gap-3 pb-3 data-open:flex lg:flex lg:w-auto lg:min-w-0 lg:flex-1 lg:flex-row lg:items-center lg:gap-4 lg:pb-0"
      >
        {children}
      </div>
    </>
  );
}
