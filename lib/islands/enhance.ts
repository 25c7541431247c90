// Browser side of components/island.tsx for islands that need no rendering: the server renders the
// whole markup and a few lines of DOM code attach the behaviour. No framework loads for these.

/** Every wrapper of this island on the page, each with the props the build serialized. */
export function islandRoots<P extends object>(name: string): [HTMLElement, P][] {
  return [...document.querySelectorAll<HTMLElement>(`[data-island="${name}"]`)].map((root) => [root, JSON.parse(root.dataset.props ?? '{}') as P]);
}

/** Runs `attach` once for every wrapper of this island. */
export function enhanceIsland<P extends object>(name: string, attach: (root: HTMLElement, props: P) => void): void {
  for (const [root, props] of islandRoots<P>(name)) {
    attach(root, props);
    root.dataset.hydrated = '';
  }
}

/**
 * Loads an island's code on first use: focus, a pointer over it or a touch. Until then its static
 * HTML works on its own (a search box is a plain GET form), so a page that is only read never pays
 * for the island's framework and code.
 */
export function hydrateOnInteraction(name: string, load: () => Promise<unknown>): void {
  const found = islandRoots(name).map(([root]) => root);
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
