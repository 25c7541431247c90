/** Marks an anti-pattern wherever it is listed, in words: colour alone would not tell everyone. */
export function KindBadge({ kind }: { kind: string }) {
  if (kind !== 'anti-pattern') return null;
  return (
    <span
      data-kind-badge="anti-pattern"
      className="inline-flex w-fit items-center gap-1 rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-900 dark:bg-red-950 dark:text-red-200"
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" className="h-3 w-3" fill="currentColor">
        <path d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM3 8a5 5 0 0 1 8.06-3.95l-7 7A4.98 4.98 0 0 1 3 8Zm5 5a4.98 4.98 0 0 1-3-1l7-7A5 5 0 0 1 8 13Z" />
      </svg>
      Anti-pattern
    </span>
  );
}
