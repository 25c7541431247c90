import { type ComponentType, type ReactNode, createElement } from 'react';

type Props<P> = {
  /** The entry in islands/ that hydrates it: islands/<name>.tsx. */
  name: string;
  /** What renders its static HTML; none for an island that only adds behaviour to the page. */
  component?: ComponentType<P>;
  /** Serialized into the page for the browser, so JSON only; keep them small. */
  props: P;
  /** Static content the island wraps in an IslandSlot: rendered once here, never serialized. */
  children?: ReactNode;
};

/**
 * Marks an interactive leaf for the island runtime. The page ships no framework runtime: after
 * export, scripts/build-islands.ts adds only the scripts of the islands a page contains, and each
 * hydrates its own wrapper with Preact (lib/islands/mount.ts).
 *
 * The wrapper is a custom element: its content model is transparent, so an island may sit where
 * only phrasing content is allowed (a button in a span) as well as around a block, and globals.css
 * gives it `display: contents`, so it takes no box of its own.
 */
export function Island<P extends object>({ name, component: Component, props, children }: Props<P>) {
  return createElement(
    'island-root',
    { 'data-island': name, 'data-props': JSON.stringify(props) },
    Component ? <Component {...props}>{children}</Component> : null,
  );
}
