import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** Running totals of an inventory, carried from one page to the next. */
export type Totals = { objects: number; bytes: number; pages: number };

/** Where an inventory stands: the prefix it walks, the cursor of the next page (absent when done) and the totals so far. */
export type InventoryState = { prefix: string; cursor?: string; totals: Totals };

/** One page of a listing: how many objects, how many bytes, and the cursor of the page after it. */
export type Page = { objects: number; bytes: number; next?: string };
export type ListPage = (prefix: string, cursor: string | undefined) => Promise<Page>;

/** S3 returns at most 1,000 keys per ListObjectsV2 call; one invocation handles exactly one such page. */
export const PAGE_SIZE = 1000;

export function s3ListPage(client: S3Client, bucket: string): ListPage {
  return async (prefix, cursor) => {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: cursor, MaxKeys: PAGE_SIZE }));
    const contents = page.Contents ?? [];
    return {
      objects: contents.length,
      bytes: contents.reduce((sum, o) => sum + (o.Size ?? 0), 0),
      // A truncated page without a token would loop on the first page forever; treat it as the end.
      next: page.IsTruncated ? page.NextContinuationToken : undefined,
    };
  };
}

/** Checks the state a caller handed in: the prefix must be a string S3 accepts, the totals numbers. */
export function parseState(input: unknown): InventoryState {
  const value = (input ?? {}) as Partial<InventoryState>;
  if (typeof value.prefix !== 'string' || value.prefix.length > 1024) {
    throw new Error('An inventory needs a "prefix" string of at most 1,024 characters ("" walks the whole bucket).');
  }
  if (value.cursor !== undefined && typeof value.cursor !== 'string') throw new Error('"cursor" must be a string when present.');
  const totals = value.totals ?? { objects: 0, bytes: 0, pages: 0 };
  for (const key of ['objects', 'bytes', 'pages'] as const) {
    if (!Number.isInteger(totals[key]) || totals[key] < 0) throw new Error(`"totals.${key}" must be a whole number of at least 0.`);
  }
  return { prefix: value.prefix, ...(value.cursor === undefined ? {} : { cursor: value.cursor }), totals };
}

/** Counts one page and returns the state after it; the cursor is absent once the listing has ended. */
export async function countPage(list: ListPage, state: InventoryState): Promise<InventoryState> {
  const page = await list(state.prefix, state.cursor);
  const totals = {
    objects: state.totals.objects + page.objects,
    bytes: state.totals.bytes + page.bytes,
    pages: state.totals.pages + 1,
  };
  return { prefix: state.prefix, ...(page.next === undefined ? {} : { cursor: page.next }), totals };
}
