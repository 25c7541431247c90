import { type Diagram, diagramFile } from '@/lib/content';

/**
 * A build-time SVG per theme, as two lazy <img>s of which the dark: classes show one: a lazy image
 * that is display:none is not fetched, so the reader downloads only the one they see, and it follows
 * the theme toggle (a <picture> media query would follow only the system setting). <img> keeps the
 * SVG out of the page's HTML and RSC payload.
 */
export function ArchitectureDiagram({ diagram }: { diagram: Diagram }) {
  const src = (theme: 'light' | 'dark') => `/diagrams/${diagramFile(diagram.hash, theme)}`;
  const shown = { light: 'dark:hidden', dark: 'hidden dark:block' } as const;
  return (
    <figure className="not-prose my-8 max-w-[calc(100vw-3rem)] lg:w-[68rem]" data-diagram={diagram.hash}>
      {(['light', 'dark'] as const).map((theme) => (
        // next/image cannot optimise a static export's SVGs; a plain lazy <img> is what it would emit.
        // eslint-disable-next-line @next/next/no-img-element
        <img
          key={theme}
          src={src(theme)}
          alt={diagram.description}
          data-diagram-theme={theme}
          className={`mx-auto h-auto max-w-full ${shown[theme]}`}
          loading="lazy"
          decoding="async"
        />
      ))}
      <figcaption className="mt-2 text-center text-sm text-slate-500 dark:text-slate-400">
        {diagram.title} ·{' '}
        <a href={src('light')} className="underline-offset-2 hover:underline dark:hidden">
          open full size
        </a>
        <a href={src('dark')} className="hidden underline-offset-2 hover:underline dark:inline">
          open full size
        </a>
      </figcaption>
    </figure>
  );
}
