// The Atom feed of patterns: which entries, in what order, and the XML the feed library writes. Pure.
import { Feed } from 'feed';
import type { Pattern } from './content';
import { creatorPath } from './creators';
import { byName } from './indexes';

export const FEED_PATH = '/feed.xml';

export type FeedEntry = {
  pattern: Pattern;
  /** When the pattern was added (Atom `published`). */
  published: string;
  /** The later of `added` and `updated` (Atom `updated`): what orders the feed. */
  updated: string;
  /** True when the page says it was updated after it was added. */
  isUpdate: boolean;
  /** The summary as the feed shows it, an update marked at its start. */
  summary: string;
};

/** Every pattern, newest first by the later of its two dates, A–Z within a day so each build writes the same feed. */
export function feedEntries(patterns: readonly Pattern[]): FeedEntry[] {
  return byName(patterns)
    .map((pattern) => {
      const updated = pattern.updated && pattern.updated > pattern.added ? pattern.updated : pattern.added;
      const isUpdate = updated !== pattern.added;
      return { pattern, published: pattern.added, updated, isUpdate, summary: isUpdate ? `Updated ${updated}: ${pattern.summary}` : pattern.summary };
    })
    .sort((a, b) => b.updated.localeCompare(a.updated));
}

export type FeedSite = { url: string; name: string; description: string };

const day = (date: string) => new Date(`${date}T00:00:00Z`);

/** The Atom 1.0 document: entry ids are the pages' canonical URLs, so a reader's list survives a rebuild. */
export function atomFeed(patterns: readonly Pattern[], site: FeedSite): string {
  const entries = feedEntries(patterns);
  const feed = new Feed({
    title: site.name,
    description: site.description,
    id: `${site.url}/`,
    link: `${site.url}/`,
    language: 'en',
    feedLinks: { atom: `${site.url}${FEED_PATH}` },
    // The newest entry's date, not the build's time: an unchanged catalog writes an identical feed.
    updated: day(entries[0]?.updated ?? '1970-01-01'),
    author: { name: site.name, link: `${site.url}/` },
    copyright: `${site.name} contributors`,
    generator: site.name,
  });
  for (const e of entries) {
    const link = `${site.url}/patterns/${e.pattern.slug}/`;
    feed.addItem({
      title: e.pattern.kind === 'anti-pattern' ? `Anti-pattern: ${e.pattern.title}` : e.pattern.title,
      id: link,
      link,
      description: e.summary,
      date: day(e.updated),
      published: day(e.published),
      author: e.pattern.creators.map((c) => ({ name: c.name, link: `${site.url}${creatorPath(c.name)}` })),
      category: [{ name: e.pattern.kind, term: e.pattern.kind }],
    });
  }
  return feed.atom1();
}
