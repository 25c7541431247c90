/**
 * Whether island slots keep the page's own HTML. The island runtime (mount.ts) sets it before
 * hydrating; under Next's own rendering (`next build`, `next dev`) it stays false and a slot
 * renders its children like any element.
 */
export const slotMode = { keepStaticHtml: false };
