/** The longest search the site acts on; the rest of a longer one is ignored, and the page says so. */
export const MAX_QUERY_CHARS = 100;
