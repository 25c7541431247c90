import rehypeShikiFromHighlighter from '@shikijs/rehype/core';
import { compileMDX } from 'next-mdx-remote/rsc';
import type { ReactElement } from 'react';
import rehypeSlug from 'rehype-slug';
import remarkGfm from 'remark-gfm';
import { ArchitectureDiagram } from '@/components/architecture-diagram';
import type { Pattern } from '@/lib/content';
import { SHIKI_THEMES, getHighlighter } from '@/lib/highlight';

export type BodyHeading = { id: string; text: string };

type HastNode = { type: string; tagName?: string; value?: string; properties?: Record<string, unknown>; children?: HastNode[] };

const textOf = (node: HastNode): string => node.value ?? (node.children ?? []).map(textOf).join('');

/** Records the body's h2s with the ids rehype-slug gave them, so the page's outline cannot drift from its anchors. */
function collectHeadings(into: BodyHeading[]) {
  return () => (tree: HastNode) => {
    const visit = (node: HastNode) => {
      if (node.type === 'element' && node.tagName === 'h2' && typeof node.properties?.id === 'string') {
        into.push({ id: node.properties.id, text: textOf(node).trim() });
      }
      node.children?.forEach(visit);
    };
    visit(tree);
  };
}

/**
 * The MDX body, rendered at build time, and its h2s. Diagrams in `lifted` are drawn above the
 * body by the page, so the body leaves them out rather than show them twice.
 */
export async function compileBody(pattern: Pattern, lifted: ReadonlySet<string>): Promise<{ body: ReactElement; headings: BodyHeading[] }> {
  // The build's one highlighter: the plugin's own default would load a second, five times slower.
  const highlighter = await getHighlighter();
  const headings: BodyHeading[] = [];
  const components = {
    ArchitectureDiagram: ({ hash }: { hash: string }) => {
      const diagram = pattern.diagrams.find((d) => d.hash === hash);
      if (!diagram) throw new Error(`${pattern.file}: no diagram with hash ${hash}`);
      return lifted.has(hash) ? null : <ArchitectureDiagram diagram={diagram} />;
    },
  };
  const { content } = await compileMDX({
    source: pattern.body,
    components,
    options: {
      mdxOptions: {
        remarkPlugins: [remarkGfm],
        rehypePlugins: [rehypeSlug, collectHeadings(headings), [rehypeShikiFromHighlighter, highlighter, { themes: SHIKI_THEMES, fallbackLanguage: 'text' }]],
      },
    },
  });
  const body = (
    <div className="prose prose-slate max-w-none dark:prose-invert prose-pre:bg-transparent prose-pre:p-0 prose-code:before:content-none prose-code:after:content-none">
      {content}
    </div>
  );
  return { body, headings };
}
