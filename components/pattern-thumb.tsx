/* eslint-disable @next/next/no-img-element -- pre-built SVGs in a static export: next/image has nothing to optimize */
export type ThumbnailSrcs = { light: string; dark: string };

/**
 * A pattern's first diagram, small. Both renderings are in the page and CSS shows the one for
 * the current theme; loading="lazy" means the hidden one is never fetched and cards below the
 * fold wait until they are near. The box has a fixed ratio so nothing moves as images arrive.
 * Decorative (alt=""): the card's title link names the pattern and the page has the full text alternative.
 */
export function PatternThumb({ srcs, className = '' }: { srcs: ThumbnailSrcs; className?: string }) {
  const img = 'h-full w-full object-contain p-2';
  return (
    <div
      data-thumbnail
      className={`aspect-[2/1] overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950 ${className}`}
    >
      <img src={srcs.light} alt="" width={480} height={240} loading="lazy" decoding="async" data-theme="light" className={`${img} dark:hidden`} />
      <img src={srcs.dark} alt="" width={480} height={240} loading="lazy" decoding="async" data-theme="dark" className={`${img} hidden dark:block`} />
    </div>
  );
}
