// What a built page costs a reader before they touch anything, and what it may cost. Pure: the
// caller reads the files; check-pages.ts enforces the budgets and bench-pages.ts reports them.

/** First-load JavaScript budgets, gzipped, from issue 19: the explore view may use more. */
export const JS_BUDGET = { page: 10 * 1024, explore: 30 * 1024 } as const;
export const EXPLORE_ROUTE = '/patterns/';

export const budgetFor = (route: string) => (route === EXPLORE_ROUTE ? JS_BUDGET.explore : JS_BUDGET.page);

/** The scripts a page loads on its own: module entries and the chunks they import (preloaded). */
export function firstLoadScripts(html: string): string[] {
  const entries = [...html.matchAll(/<script type="module" src="([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set([...preloads, ...entries])];
}

/** What makes a page depend on Next's runtime: its scripts, or the RSC payload inlined in the HTML. */
export function frameworkLeftovers(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script[^>]*\ssrc="(\/_next\/[^"]+)"/g)) found.push(`script ${m[1]}`);
  if (html.includes('self.__next_f')) found.push('the React Server Components payload (self.__next_f)');
  if (html.includes('TURBOPACK')) found.push("Turbopack's chunk list");
  return found;
}

/** The route an exported file serves: patterns/x/index.html → /patterns/x/; 404.html stays itself. */
export const routeOf = (fileInOut: string) => `/${fileInOut.split('\\').join('/')}`.replace(/index\.html$/, '');
