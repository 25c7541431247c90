export const LANGUAGE_LABELS: Record<string, string> = { typescript: 'TypeScript', python: 'Python' };

// Literal class names so Tailwind finds them. The chosen tab is marked from html[data-lang], which
// the head script sets before paint, so the mark is right before islands/language-tabs.ts runs.
const MARKED: Record<string, string> = {
  typescript:
    'in-data-[lang=typescript]:bg-orange-100 in-data-[lang=typescript]:text-orange-900 dark:in-data-[lang=typescript]:bg-orange-950 dark:in-data-[lang=typescript]:text-orange-100',
  python:
    'in-data-[lang=python]:bg-orange-100 in-data-[lang=python]:text-orange-900 dark:in-data-[lang=python]:bg-orange-950 dark:in-data-[lang=python]:text-orange-100',
};

/**
 * TypeScript / Python tabs over the language panels that follow (islands/language-tabs.ts makes
 * them work). Without JavaScript there are no tabs and both panels show one after the other, so
 * both languages stay reachable.
 */
export function LanguageTabs({ languages }: { languages: readonly string[] }) {
  return (
    <div role="tablist" aria-label="Language" data-needs-js className="mb-4 inline-flex rounded-lg border border-slate-200 p-1 dark:border-slate-800">
      {languages.map((language, i) => (
        <button
          key={language}
          type="button"
          role="tab"
          id={`tab-${language}`}
          aria-selected={i === 0}
          aria-controls={`panel-${language}`}
          data-language={language}
          className={`min-h-11 rounded-md px-4 text-sm font-medium ${MARKED[language] ?? ''}`}
        >
          {LANGUAGE_LABELS[language] ?? language}
        </button>
      ))}
    </div>
  );
}
