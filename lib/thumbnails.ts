// Server-only (diagrams.ts hashes with node:crypto): cards and the explore view's documents
// both take a pattern's thumbnail from here, so the two can never point at different files.
import type { Pattern } from './content';
import { DIAGRAM_THEMES, type DiagramTheme, diagramFile } from './content/diagrams';

/** The URLs of a pattern's first diagram in each theme; an anti-pattern's first diagram is its "before". */
export function diagramThumbnail(pattern: Pattern): Record<DiagramTheme, string> | undefined {
  const first = pattern.diagrams[0];
  if (!first) return undefined;
  return Object.fromEntries(DIAGRAM_THEMES.map((t) => [t, `/diagrams/${diagramFile(first.hash, t)}`])) as Record<DiagramTheme, string>;
}
