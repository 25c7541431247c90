import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHandler } from '../lambda/count-page';
import { type ListPage, PAGE_SIZE, countPage, parseState, s3ListPage } from '../lambda/inventory';

process.env.AWS_REGION ??= 'us-east-1';

/** A listing of `pages` pages of `perPage` objects of 10 bytes each, with cursors "c1", "c2"… */
function fakeListing(pages: number, perPage = 3): { list: ListPage; calls: (string | undefined)[] } {
  const calls: (string | undefined)[] = [];
  const list: ListPage = async (_prefix, cursor) => {
    calls.push(cursor);
    const index = cursor === undefined ? 0 : Number(cursor.slice(1));
    return { objects: perPage, bytes: perPage * 10, ...(index + 1 < pages ? { next: `c${index + 1}` } : {}) };
  };
  return { list, calls };
}

describe('count page (the fix)', () => {
  test('counts one page, adds it to the totals and returns the cursor of the next', async () => {
    const { list, calls } = fakeListing(3);
    const handler = createHandler(list);
    const after = await handler({ prefix: 'logs/', cursor: 'c1', totals: { objects: 3, bytes: 30, pages: 1 } });
    assert.deepEqual(calls, ['c1']);
    assert.deepEqual(after, { prefix: 'logs/', cursor: 'c2', totals: { objects: 6, bytes: 60, pages: 2 } });
  });

  test('returns no cursor on the last page, so the workflow stops', async () => {
    const { list } = fakeListing(1);
    const after = await createHandler(list)({ prefix: '' });
    assert.deepEqual(after, { prefix: '', totals: { objects: 3, bytes: 30, pages: 1 } });
    assert.equal('cursor' in after, false);
  });

  test('makes exactly one listing call per invocation, whatever the size of the listing', async () => {
    const { list, calls } = fakeListing(500);
    await createHandler(list)({ prefix: 'big/' });
    assert.equal(calls.length, 1);
  });

  test('rejects an input without a prefix, or with broken totals, before listing anything', async () => {
    const { list, calls } = fakeListing(2);
    const handler = createHandler(list);
    await assert.rejects(handler({}), /prefix/);
    await assert.rejects(handler({ prefix: 'x'.repeat(1025) }), /prefix/);
    await assert.rejects(handler({ prefix: '', totals: { objects: -1, bytes: 0, pages: 0 } }), /totals.objects/);
    await assert.rejects(handler({ prefix: '', cursor: 7 }), /cursor/);
    assert.equal(calls.length, 0);
  });
});

describe('s3ListPage', () => {
  test('asks S3 for one page of at most 1,000 keys under the prefix, from the cursor, and sums the sizes', async () => {
    const sent: ListObjectsV2Command['input'][] = [];
    const client = {
      send: async (command: ListObjectsV2Command) => {
        sent.push(command.input);
        return { Contents: [{ Size: 5 }, { Size: 7 }, {}], IsTruncated: true, NextContinuationToken: 'next-token' };
      },
    } as unknown as S3Client;
    const page = await s3ListPage(client, 'archive-bucket')('logs/', 'token-1');
    assert.deepEqual(sent, [{ Bucket: 'archive-bucket', Prefix: 'logs/', ContinuationToken: 'token-1', MaxKeys: PAGE_SIZE }]);
    assert.deepEqual(page, { objects: 3, bytes: 12, next: 'next-token' });
  });

  test('ends the listing when S3 says the page is not truncated, even if a token came back', async () => {
    const client = { send: async () => ({ Contents: [], IsTruncated: false, NextContinuationToken: 'stale' }) } as unknown as S3Client;
    assert.deepEqual(await s3ListPage(client, 'b')('', undefined), { objects: 0, bytes: 0, next: undefined });
  });
});

describe('parseState and countPage', () => {
  test('starts the totals at zero and keeps the prefix', async () => {
    assert.deepEqual(parseState({ prefix: 'a/' }), { prefix: 'a/', totals: { objects: 0, bytes: 0, pages: 0 } });
    const { list } = fakeListing(2);
    assert.deepEqual(await countPage(list, parseState({ prefix: 'a/' })), { prefix: 'a/', cursor: 'c1', totals: { objects: 3, bytes: 30, pages: 1 } });
  });
});
