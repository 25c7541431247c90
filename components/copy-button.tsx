/**
 * Copies the text of another element (islands/copy-button.ts). Reading it from the DOM, rather
 * than taking it as a prop, keeps the page from carrying every file's text twice.
 */
export function CopyButton({ label = 'Copy' }: { targetId: string; label?: string }) {
  return (
    <button
      type="button"
      className="min-h-11 min-w-11 rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-100 lg:min-h-0 lg:min-w-0 dark:border-slate-700 dark:hover:bg-slate-800"
    >
      <span aria-live="polite">{label}</span>
    </button>
  );
}
