// Everything the UI decides lives here as plain functions, so it can be tested without a browser.

export type Route = 'checklist' | 'about' | 'not-found';

const routes: Record<string, Route> = { '/': 'checklist', '/about': 'about' };

/** Maps a browser path to a view; case and trailing slashes do not make a different page. */
export function routeFor(pathname: string): Route {
  const clean = pathname.trim().toLowerCase().replace(/\/+$/, '') || '/';
  return routes[clean] ?? 'not-found';
}

export interface Item {
  id: number;
  text: string;
  done: boolean;
}

export interface ChecklistState {
  items: Item[];
  nextId: number;
}

export type ChecklistAction =
  | { type: 'add'; text: string }
  | { type: 'toggle'; id: number }
  | { type: 'remove'; id: number }
  | { type: 'clear-done' };

export const MAX_ITEM_LENGTH = 80;

export const initialChecklist: ChecklistState = {
  items: [
    { id: 1, text: 'Build the site with esbuild', done: true },
    { id: 2, text: 'Run cdk deploy', done: false },
    { id: 3, text: 'Open the CloudFront URL', done: false },
  ],
  nextId: 4,
};

/** Collapses runs of whitespace; returns undefined for text that cannot become an item. */
export function cleanItemText(raw: string): string | undefined {
  const text = raw.trim().replace(/\s+/g, ' ');
  return text === '' || text.length > MAX_ITEM_LENGTH ? undefined : text;
}

export function checklistReducer(state: ChecklistState, action: ChecklistAction): ChecklistState {
  switch (action.type) {
    case 'add': {
      const text = cleanItemText(action.text);
      // Returning the same object tells React nothing changed, so it skips the re-render.
      if (text === undefined) return state;
      if (state.items.some((item) => item.text.toLowerCase() === text.toLowerCase())) return state;
      return { items: [...state.items, { id: state.nextId, text, done: false }], nextId: state.nextId + 1 };
    }
    case 'toggle':
      return { ...state, items: state.items.map((item) => (item.id === action.id ? { ...item, done: !item.done } : item)) };
    case 'remove':
      return { ...state, items: state.items.filter((item) => item.id !== action.id) };
    case 'clear-done':
      return { ...state, items: state.items.filter((item) => !item.done) };
  }
}

export function progressLabel(items: readonly Item[]): string {
  const done = items.filter((item) => item.done).length;
  if (items.length === 0) return 'Nothing on the list yet.';
  if (done === items.length) return `All ${items.length} done.`;
  return `${done} of ${items.length} done.`;
}
