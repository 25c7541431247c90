import type { Pattern } from './content';

/** The page's own sections after the body, in page order: the ids links and tests point to. */
export const PAGE_SECTIONS = [
  { id: 'guarantees', title: 'Guarantees', label: 'Guarantees' },
  { id: 'before-you-deploy', title: 'Before you deploy', label: 'Before you deploy' },
  { id: 'clean-up', title: 'Clean up', label: 'Clean up' },
  { id: 'mapping', title: 'Well-Architected mapping', label: 'Well-Architected' },
  { id: 'review', title: 'Automated review', label: 'Review' },
  { id: 'as-built', title: 'As built', label: 'As built' },
  { id: 'creators', title: 'Creators and links', label: 'Creators' },
  { id: 'source', title: 'Source', label: 'Source' },
  { id: 'template', title: 'Synthesized CloudFormation', label: 'CloudFormation' },
] as const;

export type OutlineEntry = { id: string; label: string; group: 'body' | 'page' };

/** "On this page": the body's h2s as rendered, then the page's own sections. */
export function pageOutline(headings: readonly { id: string; text: string }[]): OutlineEntry[] {
  return [
    ...headings.map((h) => ({ id: h.id, label: h.text, group: 'body' as const })),
    ...PAGE_SECTIONS.map((s) => ({ id: s.id, label: s.label, group: 'page' as const })),
  ];
}

/**
 * The diagrams a page leads with, above the body: the architecture for a pattern; for an
 * anti-pattern both its "before" and its "after", so the mistake and the fix are seen together.
 */
export function leadDiagrams(pattern: Pick<Pattern, 'kind' | 'diagrams' | 'file'>): Pattern['diagrams'] {
  const count = pattern.kind === 'anti-pattern' ? 2 : 1;
  if (pattern.diagrams.length < count) {
    throw new Error(`${pattern.file}: body: expected ${count} \`\`\`mermaid diagram${count > 1 ? 's' : ''} to lead the page with; found ${pattern.diagrams.length}`);
  }
  return pattern.diagrams.slice(0, count);
}
