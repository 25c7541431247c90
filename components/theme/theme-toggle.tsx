// Literal class names so Tailwind finds them: the chosen option is marked from html[data-theme-choice],
// which the head script sets before paint, so the mark is right before hydration too.
const OPTIONS = [
  { value: 'light', label: 'Light', icon: 'M12 4V2m0 20v-2m8-8h2M2 12h2m13.66-5.66 1.41-1.41M4.93 19.07l1.41-1.41m0-11.32L4.93 4.93m14.14 14.14-1.41-1.41M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10Z', marked: 'in-data-[theme-choice=light]:bg-orange-100 in-data-[theme-choice=light]:text-orange-900 dark:in-data-[theme-choice=light]:bg-orange-950 dark:in-data-[theme-choice=light]:text-orange-100' },
  { value: 'dark', label: 'Dark', icon: 'M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8Z', marked: 'in-data-[theme-choice=dark]:bg-orange-100 in-data-[theme-choice=dark]:text-orange-900 dark:in-data-[theme-choice=dark]:bg-orange-950 dark:in-data-[theme-choice=dark]:text-orange-100' },
  { value: 'system', label: 'System', icon: 'M3 5h18v11H3zM8 20h8m-4-4v4', marked: 'in-data-[theme-choice=system]:bg-orange-100 in-data-[theme-choice=system]:text-orange-900 dark:in-data-[theme-choice=system]:bg-orange-950 dark:in-data-[theme-choice=system]:text-orange-100' },
] as const;

/**
 * Light, dark or the system's setting, as a radio group: arrow keys move between the options and
 * the choice is remembered across visits. Without JavaScript it hides (data-needs-js) and the
 * site follows the system setting.
 */
export function ThemeToggle() {
  // No option is checked in the static HTML: the reader's choice is known only in the browser, where
  // islands/theme-toggle.ts checks it and handles a change.
  return (
    <fieldset data-needs-js data-theme-toggle className="flex shrink-0 rounded-lg border border-slate-200 p-0.5 dark:border-slate-700">
      <legend className="sr-only">Theme</legend>
      {OPTIONS.map((o) => (
        <label
          key={o.value}
          title={o.label}
          className={`grid h-11 w-11 cursor-pointer place-items-center rounded-md text-slate-600 hover:text-slate-900 has-focus-visible:outline-2 has-focus-visible:outline-orange-500 lg:h-8 lg:w-8 dark:text-slate-300 dark:hover:text-white ${o.marked}`}
        >
          <input type="radio" name="theme" value={o.value} className="sr-only" />
          <svg aria-hidden viewBox="0 0 24 24" className="h-5 w-5 fill-none stroke-current stroke-2 [stroke-linecap:round] [stroke-linejoin:round]">
            <path d={o.icon} />
          </svg>
          <span className="sr-only">{o.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
