import rehypeShikiFromHighlighter from '@shikijs/rehype/core';
import { MDXRemote } from 'next-mdx-remote/rsc';
import rehypeSlug from 'rehype-slug';
import remarkGfm from 'remark-gfm';
import { ArchitectureDiagram } from '@/components/architecture-diagram';
import type { Pattern } from '@/lib/content';
import { SHIKI_THEMES, getHighlighter } from '@/lib/highlight';

export async function MdxBody({ pattern }: { pattern: Pattern }) {
  // The build's one highlighter: the plugin's own default would load a second, five times slower.
  const highlighter = await getHighlighter();
  const components = {
    ArchitectureDiagram: ({ hash }: { hash: string }) => {
      const diagram = pattern.diagrams.find((d) => d.hash === hash);
      if (!diagram) throw new Error(`${pattern.file}: no diagram with hash ${hash}`);
      return <ArchitectureDiagram diagram={diagram} />;
    },
  };
  return (
    <div className="prose prose-slate max-w-none dark:prose-invert prose-headings:scroll-mt-20 prose-pre:bg-transparent prose-pre:p-0 prose-code:before:content-none prose-code:after:content-none">
      <MDXRemote
        source={pattern.body}
        components={components}
        options={{
          mdxOptions: {
            remarkPlugins: [remarkGfm],
            rehypePlugins: [rehypeSlug, [rehypeShikiFromHighlighter, highlighter, { themes: SHIKI_THEMES, fallbackLanguage: 'text' }]],
          },
        }}
      />
    </div>
  );
}
