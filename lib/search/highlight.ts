// Pure and tiny, so result lists can use it without pulling Fuse.js into the page.
/** Splits text into plain and marked parts from match indices (inclusive ranges). */
export function highlight(value: string, indices: readonly [number, number][]): { text: string; mark: boolean }[] {
  const parts: { text: string; mark: boolean }[] = [];
  let at = 0;
  for (const [start, end] of [...indices].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    if (start > at) parts.push({ text: value.slice(at, start), mark: false });
    parts.push({ text: value.slice(start, end + 1), mark: true });
    at = end + 1;
  }
  if (at < value.length) parts.push({ text: value.slice(at), mark: false });
  return parts;
}
