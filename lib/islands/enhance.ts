// Browser side of components/island.tsx for islands that need no rendering: the server renders the
// whole markup and a few lines of DOM code attach the behaviour. No framework loads for these.

function roots(name: string): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>(`[data-island="${name}"]`)];
}

/** Runs `attach` once for every wrapper of this island, with the props the build serialized. */
export function enhanceIsland<P extends object>(name: string, attach: (root: HTMLElement, props: P) => void): void {
  for (const root of roots(name)) {
    attach(root, JSON.parse(root.dataset.props ?? '{}') as P);
    root.dataset.hydrated = '';
  }
}

/**
 * Loads an island's code on first use: focus, a pointer over it or a touch. Until then its static
 * HTML works on its own (a search box is a plain GET form), so a page that is only read never pays
 * for the island's framework and code.
 */
export function hydrateOnInteraction(name: string, load: () => Promise<unknown>): void {
  const found = roots(name);
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    for (const root of found) for (const type of TRIGGERS) root.removeEventListener(type, start);
    void load();
  };
  for (const root of found) {
    for (const type of TRIGGERS) root.addEventListener(type, start, { passive: true });
    root.dataset.armed = '';
  }
}

const TRIGGERS = ['focusin', 'pointerover', 'touchstart'] as const;
