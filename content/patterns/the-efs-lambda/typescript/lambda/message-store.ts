import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Message = { id: string; text: string; createdAt: string };

export interface MessageStore {
  append(text: string): Promise<Message>;
  /** The newest `limit` messages, newest first, and how many exist in total. */
  list(limit: number): Promise<{ total: number; messages: Message[] }>;
  /** Deletes every message and says how many files it removed. */
  clear(): Promise<number>;
}

/** Where the time and the random part of a new id come from; tests fix both. */
export type IdSource = { now(): Date; suffix(): string };

const systemIds: IdSource = { now: () => new Date(), suffix: () => randomBytes(4).toString('hex') };

/** Matches finished message files only, never the hidden temporary ones. */
const MESSAGE_FILE = /^\d{8}T\d{9}Z-[0-9a-f]{8}\.json$/;

/** 2026-11-22T10:15:03.512Z becomes 20261122T101503512Z-<suffix>, which sorts by time as plain text. */
export function messageId(at: Date, suffix: string): string {
  return `${at.toISOString().replace(/[-:.]/g, '')}-${suffix}`;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function messageFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => MESSAGE_FILE.test(name)).sort();
}

/**
 * A message wall kept as one small file per message. Many Lambda environments can
 * write at the same moment over NFS, where appends to one shared file could
 * interleave; separate files never collide, and writing to a hidden temporary name
 * before renaming means a reader sees a whole message or none of it.
 */
export function fileMessageStore(dir: string, ids: IdSource = systemIds): MessageStore {
  return {
    async append(text) {
      const createdAt = ids.now();
      const message: Message = { id: messageId(createdAt, ids.suffix()), text, createdAt: createdAt.toISOString() };
      const temporary = join(dir, `.${message.id}.tmp`);
      await writeFile(temporary, JSON.stringify(message), { flag: 'wx' });
      await rename(temporary, join(dir, `${message.id}.json`));
      return message;
    },

    async list(limit) {
      const names = await messageFiles(dir);
      const newest = names.slice(-limit).reverse();
      const read = await Promise.all(
        newest.map(async (name) => {
          try {
            return JSON.parse(await readFile(join(dir, name), 'utf8')) as Message;
          } catch (error) {
            // Another environment may clear the wall between readdir and read.
            if (isMissing(error)) return undefined;
            throw error;
          }
        }),
      );
      return { total: names.length, messages: read.filter((m): m is Message => m !== undefined) };
    },

    async clear() {
      const names = await messageFiles(dir);
      const removed = await Promise.all(
        names.map(async (name) => {
          try {
            await unlink(join(dir, name));
            return 1;
          } catch (error) {
            if (isMissing(error)) return 0;
            throw error;
          }
        }),
      );
      return removed.reduce<number>((sum, n) => sum + n, 0);
    },
  };
}
