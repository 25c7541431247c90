import { S3Client } from '@aws-sdk/client-s3';
import { type InventoryState, type ListPage, countPage, parseState, s3ListPage } from './inventory';

/**
 * The fix: the function counts one page and returns. It never decides whether there is a next
 * invocation; the state machine reads the returned cursor and loops, with a cap and a history.
 */
export function createHandler(list: ListPage) {
  return async (input: unknown): Promise<InventoryState> => countPage(list, parseState(input));
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createHandler(s3ListPage(new S3Client({}), process.env.ARCHIVE_BUCKET_NAME ?? ''));
