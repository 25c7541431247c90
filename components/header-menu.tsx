/**
 * Below the lg breakpoint the header's nav, search and theme toggle fold behind this Menu button;
 * from lg up they sit in the header row and the button hides. The panel (#site-menu) is static HTML
 * in SiteHeader; islands/header-menu.ts opens it by setting its data-open. Without JavaScript the
 * button hides and the panel shows (globals.css, keyed on html[data-js]).
 */
export function HeaderMenu() {
  return (
    <button
      type="button"
      data-needs-js
      aria-expanded="false"
      aria-controls="site-menu"
      className="group ml-auto grid h-11 w-11 place-items-center rounded-md border border-slate-200 text-slate-700 hover:bg-slate-100 lg:hidden dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
    >
      <span className="sr-only">Menu</span>
      <svg aria-hidden viewBox="0 0 24 24" className="h-5 w-5 fill-none stroke-current stroke-2 [stroke-linecap:round]">
        <path d="M4 7h16M4 12h16M4 17h16" className="group-aria-expanded:hidden" />
        <path d="M6 6l12 12M18 6 6 18" className="hidden group-aria-expanded:inline" />
      </svg>
    </button>
  );
}
