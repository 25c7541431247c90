'use client';

import { useEffect, useState } from 'react';
import { useHydrated } from '@/components/use-hydrated';

export const LANGUAGE_LABELS: Record<string, string> = { typescript: 'TypeScript', python: 'Python' };

/** Which language the page shows; set before paint by the head script, from the reader's last choice. */
function current(): string {
  return document.documentElement.dataset.lang ?? 'typescript';
}

function choose(language: string) {
  document.documentElement.dataset.lang = language;
  try {
    localStorage.setItem('lang', language);
  } catch {
    // storage may be off; the choice then lasts for this page only
  }
}

/**
 * TypeScript / Python tabs over the language panels that follow. Without JavaScript there are no
 * tabs and both panels show one after the other, so both languages stay reachable.
 */
/** The language of the panel a link's target sits in, when the address points into one. */
function languageOfHash(): { language: string; target: HTMLElement } | undefined {
  const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  const language = target?.closest<HTMLElement>('[data-lang-panel]')?.dataset.langPanel;
  return target && language ? { language, target } : undefined;
}

/**
 * TypeScript / Python tabs over the language panels that follow. Without JavaScript there are no
 * tabs and both panels show one after the other, so both languages stay reachable.
 */
export function LanguageTabs({ languages }: { languages: readonly string[] }) {
  const hydrated = useHydrated();
  // A link to a file of the other language (a guarantee's test) opens that language.
  const [selected, setSelected] = useState(() => {
    if (typeof document === 'undefined') return 'typescript';
    const linked = languageOfHash();
    if (linked && linked.language !== current()) choose(linked.language);
    return current();
  });

  useEffect(() => {
    languageOfHash()?.target.scrollIntoView();
    const follow = () => {
      const linked = languageOfHash();
      if (!linked || linked.language === current()) return;
      choose(linked.language);
      setSelected(linked.language);
      linked.target.scrollIntoView();
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  if (!hydrated) return null;
  return (
    <div role="tablist" aria-label="Language" className="mb-4 inline-flex rounded-lg border border-slate-200 p-1 dark:border-slate-800">
      {languages.map((language) => (
        <button
          key={language}
          type="button"
          role="tab"
          id={`tab-${language}`}
          aria-selected={selected === language}
          aria-controls={`panel-${language}`}
          onClick={() => {
            choose(language);
            setSelected(language);
          }}
          className="min-h-11 rounded-md px-4 text-sm font-medium aria-selected:bg-orange-100 aria-selected:text-orange-900 dark:aria-selected:bg-orange-950 dark:aria-selected:text-orange-100"
        >
          {LANGUAGE_LABELS[language] ?? language}
        </button>
      ))}
    </div>
  );
}
