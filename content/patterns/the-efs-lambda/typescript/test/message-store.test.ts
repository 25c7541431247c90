import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileMessageStore, type IdSource, messageId } from '../lambda/message-store';

/** A clock that moves forward one millisecond per message, with predictable suffixes. */
function steppingIds(start = '2026-11-22T10:00:00.000Z'): IdSource {
  let n = 0;
  return {
    now: () => new Date(Date.parse(start) + n),
    suffix: () => (n++).toString(16).padStart(8, '0'),
  };
}

describe('messageId', () => {
  test('sorts by time as plain text', () => {
    assert.equal(messageId(new Date('2026-11-22T10:15:03.512Z'), 'abcd0123'), '20261122T101503512Z-abcd0123');
    const ids = ['2026-11-22T10:00:00.000Z', '2026-11-22T09:59:59.999Z', '2027-01-01T00:00:00.000Z'].map((t) =>
      messageId(new Date(t), '00000000'),
    );
    assert.deepEqual([...ids].sort(), [ids[1], ids[0], ids[2]]);
  });
});

describe('fileMessageStore on a temporary directory', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'message-wall-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(root, 'case-'));
  });

  test('writes one finished JSON file per message and leaves no temporary file behind', async () => {
    const store = fileMessageStore(dir, steppingIds());
    const message = await store.append('hello');
    assert.deepEqual(message, { id: '20261122T100000000Z-00000000', text: 'hello', createdAt: '2026-11-22T10:00:00.000Z' });
    assert.deepEqual(await readdir(dir), ['20261122T100000000Z-00000000.json']);
  });

  test('lists the newest messages first, up to the limit, with the total', async () => {
    const store = fileMessageStore(dir, steppingIds());
    for (const text of ['one', 'two', 'three']) await store.append(text);
    const { total, messages } = await store.list(2);
    assert.equal(total, 3);
    assert.deepEqual(
      messages.map((m) => m.text),
      ['three', 'two'],
    );
  });

  test('ignores temporary and unrelated files', async () => {
    const store = fileMessageStore(dir, steppingIds());
    await store.append('kept');
    await writeFile(join(dir, '.20261122T100000001Z-00000001.tmp'), '{"half":');
    await writeFile(join(dir, 'notes.txt'), 'not a message');
    const { total, messages } = await store.list(10);
    assert.equal(total, 1);
    assert.equal(messages[0]?.text, 'kept');
    assert.equal(await store.clear(), 1);
    assert.deepEqual((await readdir(dir)).sort(), ['.20261122T100000001Z-00000001.tmp', 'notes.txt']);
  });

  test('clears every message and reports how many it removed', async () => {
    const store = fileMessageStore(dir, steppingIds());
    for (const text of ['a', 'b', 'c']) await store.append(text);
    assert.equal(await store.clear(), 3);
    assert.deepEqual(await store.list(10), { total: 0, messages: [] });
    assert.equal(await store.clear(), 0);
  });

  test('counts each message once when two environments clear the wall at the same moment', async () => {
    const first = fileMessageStore(dir, steppingIds());
    for (const text of ['a', 'b', 'c', 'd', 'e']) await first.append(text);
    // Both listings see all five files; whichever unlinks a file second must skip it, not fail.
    const counts = await Promise.all([first.clear(), fileMessageStore(dir).clear()]);
    assert.equal(counts[0] + counts[1], 5);
    assert.deepEqual(await first.list(10), { total: 0, messages: [] });
  });

  test('loses nothing when many writers append at the same moment', async () => {
    const store = fileMessageStore(dir);
    const texts = Array.from({ length: 40 }, (_, i) => `message ${i}`);
    await Promise.all(texts.map((t) => store.append(t)));
    const { total, messages } = await store.list(100);
    assert.equal(total, 40);
    assert.deepEqual(messages.map((m) => m.text).sort(), [...texts].sort());
  });

  test('refuses to overwrite a temporary file that already exists', async () => {
    const fixed: IdSource = { now: () => new Date('2026-11-22T10:00:00.000Z'), suffix: () => 'deadbeef' };
    await writeFile(join(dir, '.20261122T100000000Z-deadbeef.tmp'), 'in progress');
    await assert.rejects(fileMessageStore(dir, fixed).append('clash'), { code: 'EEXIST' });
  });
});
