import { type Diagram, diagramFile } from '@/lib/content';

/**
 * A build-time SVG per colour scheme. <picture> lets the browser fetch only the one
 * it shows, and <img> keeps the SVG out of the page's HTML and RSC payload.
 */
export function ArchitectureDiagram({ diagram }: { diagram: Diagram }) {
  return (
    <figure className="not-prose my-8 max-w-[calc(100vw-3rem)] lg:w-[68rem]" data-diagram={diagram.hash}>
      <picture>
        <source srcSet={`/diagrams/${diagramFile(diagram.hash, 'dark')}`} media="(prefers-color-scheme: dark)" />
        <img
          src={`/diagrams/${diagramFile(diagram.hash, 'light')}`}
          alt={diagram.description}
          className="mx-auto h-auto max-w-full"
          loading="lazy"
          decoding="async"
        />
      </picture>
      <figcaption className="mt-2 text-center text-sm text-slate-500 dark:text-slate-400">
        {diagram.title} ·{' '}
        <a href={`/diagrams/${diagramFile(diagram.hash, 'light')}`} className="underline-offset-2 hover:underline">
          open full size
        </a>
      </figcaption>
    </figure>
  );
}
