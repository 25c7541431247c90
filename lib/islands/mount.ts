// Browser side of components/island.tsx for islands that render: the same React component source
// that Next rendered to HTML hydrates here under Preact (preact/compat, see build-islands.ts).
import { type ComponentType, h, hydrate } from 'preact';
import { islandRoots } from './enhance';
import { slotMode } from './slot-mode';

slotMode.keepStaticHtml = true;

/** Hydrates every wrapper of this island on the page with the props the build serialized. */
export function mountIsland<P extends object>(name: string, component: (props: P) => unknown): void {
  for (const [root, props] of islandRoots<P>(name)) {
    hydrate(h(component as ComponentType<P>, props), root);
    root.dataset.hydrated = '';
  }
}
