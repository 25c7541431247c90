import { enhanceIsland } from '@/lib/islands/enhance';

/** A section is being read once its top passes this line: below the sticky header and the
 * scroll offsets a followed link lands a heading at (scroll padding plus its scroll margin). */
const READING_LINE = 200;

/**
 * Marks the outline link of the section being read with aria-current. It works on the
 * server-rendered links in place, so the outline itself needs no JavaScript.
 */
enhanceIsland<{ navId: string }>('toc-current', (_root, { navId }) => {
  const links = [...(document.getElementById(navId)?.querySelectorAll<HTMLAnchorElement>('a[href^="#"]') ?? [])];
  const targets = links.map((a) => document.getElementById(decodeURIComponent(a.hash.slice(1))));
  let frame = 0;
  const mark = () => {
    frame = 0;
    const atBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    let current = -1;
    targets.forEach((t, i) => {
      const top = t?.getBoundingClientRect().top;
      // At the very bottom a short last section can never reach the line; count it once it shows.
      if (top !== undefined && (top <= READING_LINE || (atBottom && top < window.innerHeight))) current = i;
    });
    links.forEach((a, i) => (i === current ? a.setAttribute('aria-current', 'location') : a.removeAttribute('aria-current')));
  };
  const schedule = () => {
    frame ||= requestAnimationFrame(mark);
  };
  mark();
  window.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', schedule);
});
