import { createHash } from 'node:crypto';

/** Bump when the renderer or its theme changes, so every cached SVG is redrawn. */
export const DIAGRAM_RENDER_VERSION = 'mermaid-11/aws-icons-v2';
export const DIAGRAM_THEMES = ['light', 'dark'] as const;
export type DiagramTheme = (typeof DIAGRAM_THEMES)[number];

export type Diagram = {
  /** Content hash of the diagram text: the cache key and the file name. */
  hash: string;
  title: string;
  description: string;
  code: string;
};

const MERMAID_FENCE = /^```mermaid[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm;

export function diagramHash(code: string): string {
  return createHash('sha256').update(`${DIAGRAM_RENDER_VERSION}\n${code.trim()}`).digest('hex').slice(0, 16);
}

export function diagramFile(hash: string, theme: DiagramTheme): string {
  return `${hash}-${theme}.svg`;
}

/** Reads accTitle/accDescr: Mermaid's own accessibility lines double as our alt text. */
function accessibleText(code: string, key: 'accTitle' | 'accDescr'): string | undefined {
  const match = new RegExp(`^\\s*${key}\\s*:\\s*(.+)$`, 'm').exec(code);
  return match?.[1]?.trim();
}

export type DiagramProblem = { field: string; expected: string };

/**
 * Finds the mermaid fences of an MDX body and swaps each for a placeholder element,
 * so the page renders a pre-built SVG instead of shipping Mermaid to the browser.
 */
export function extractDiagrams(body: string): { body: string; diagrams: Diagram[]; problems: DiagramProblem[] } {
  const diagrams: Diagram[] = [];
  const problems: DiagramProblem[] = [];
  const replaced = body.replace(MERMAID_FENCE, (_fence, inner: string) => {
    const code = inner.trim();
    const n = diagrams.length + 1;
    const title = accessibleText(code, 'accTitle');
    const description = accessibleText(code, 'accDescr');
    if (!title) problems.push({ field: `body: mermaid diagram ${n}`, expected: 'an "accTitle: ..." line naming the diagram' });
    if (!description) {
      problems.push({ field: `body: mermaid diagram ${n}`, expected: 'an "accDescr: ..." line describing the diagram in words (its text alternative)' });
    }
    const hash = diagramHash(code);
    diagrams.push({ hash, title: title ?? '', description: description ?? '', code });
    return `<ArchitectureDiagram hash="${hash}" />`;
  });
  return { body: replaced, diagrams, problems };
}
