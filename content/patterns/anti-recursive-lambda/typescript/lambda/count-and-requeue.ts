import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { type InventoryState, type ListPage, countPage, parseState, s3ListPage } from './inventory';

/** Puts a message on the queue this function reads: the anti-pattern's one extra call. */
export type SendNext = (state: InventoryState) => Promise<void>;

export function sqsSendNext(client: SQSClient, queueUrl: string): SendNext {
  return async (state) => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(state) }));
  };
}

/**
 * THE ANTI-PATTERN. Each invocation counts one page, then sends the cursor of the next page back
 * to the queue that invoked it, so the function re-invokes itself until the listing ends. Nothing
 * outside the code bounds the chain, and a redelivered message starts a second chain.
 */
export function createHandler(list: ListPage, sendNext: SendNext) {
  return async (event: SQSEvent): Promise<void> => {
    for (const record of event.Records) {
      const state = await countPage(list, parseState(JSON.parse(record.body)));
      if (state.cursor !== undefined) {
        await sendNext(state);
      } else {
        console.log(JSON.stringify({ level: 'INFO', message: 'inventory finished', prefix: state.prefix, ...state.totals }));
      }
    }
  };
}

const s3 = new S3Client({});
const sqs = new SQSClient({});
export const handler = createHandler(s3ListPage(s3, process.env.ARCHIVE_BUCKET_NAME ?? ''), sqsSendNext(sqs, process.env.PAGES_QUEUE_URL ?? ''));
