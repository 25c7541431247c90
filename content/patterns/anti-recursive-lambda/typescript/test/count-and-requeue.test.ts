import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createHandler, sqsSendNext } from '../lambda/count-and-requeue';
import type { InventoryState, ListPage } from '../lambda/inventory';

process.env.AWS_REGION ??= 'us-east-1';

const listing = (pages: number): ListPage => async (_prefix, cursor) => {
  const index = cursor === undefined ? 0 : Number(cursor.slice(1));
  return { objects: 2, bytes: 20, ...(index + 1 < pages ? { next: `c${index + 1}` } : {}) };
};

function event(...bodies: unknown[]): SQSEvent {
  return { Records: bodies.map((b, i) => ({ messageId: `m${i}`, body: JSON.stringify(b) })) } as unknown as SQSEvent;
}

describe('count and requeue (the anti-pattern)', () => {
  test('sends the next page back to the queue that invoked it', async () => {
    const sent: InventoryState[] = [];
    const handler = createHandler(listing(3), async (s) => void sent.push(s));
    await handler(event({ prefix: 'logs/' }));
    assert.deepEqual(sent, [{ prefix: 'logs/', cursor: 'c1', totals: { objects: 2, bytes: 20, pages: 1 } }]);
  });

  test('keeps re-invoking itself, one hop per page, until the listing ends', async () => {
    // Plays the queue: every message the handler sends is delivered to it again.
    const queue: InventoryState[] = [];
    const handler = createHandler(listing(40), async (s) => void queue.push(s));
    let hops = 1;
    await handler(event({ prefix: '' }));
    while (queue.length > 0) {
      hops += 1;
      await handler(event(queue.shift()));
    }
    // 40 invocations for 40 pages: far past the ~16 hops after which Lambda would stop a detected loop.
    assert.equal(hops, 40);
  });

  test('forks into a second chain when a message is delivered twice', async () => {
    const sent: InventoryState[] = [];
    const handler = createHandler(listing(5), async (s) => void sent.push(s));
    const message = { prefix: '', cursor: 'c1', totals: { objects: 2, bytes: 20, pages: 1 } };
    // SQS delivers at least once: a timeout after the send, or a redrive, hands the same page over again.
    await handler(event(message));
    await handler(event(message));
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[0], sent[1]);
  });

  test('logs the totals and sends nothing on the last page', async () => {
    const sent: InventoryState[] = [];
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => void lines.push(line);
    try {
      await createHandler(listing(1), async (s) => void sent.push(s))(event({ prefix: 'a/' }));
    } finally {
      console.log = original;
    }
    assert.deepEqual(sent, []);
    assert.deepEqual(JSON.parse(lines[0]!), { level: 'INFO', message: 'inventory finished', prefix: 'a/', objects: 2, bytes: 20, pages: 1 });
  });

  test('sqsSendNext writes the state to the configured queue URL', async () => {
    const sent: SendMessageCommand['input'][] = [];
    const client = { send: async (c: SendMessageCommand) => void sent.push(c.input) } as unknown as SQSClient;
    await sqsSendNext(client, 'https://sqs.us-east-1.amazonaws.com/123456789012/Pages')({ prefix: '', cursor: 'c1', totals: { objects: 1, bytes: 1, pages: 1 } });
    assert.deepEqual(sent, [
      { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/Pages', MessageBody: '{"prefix":"","cursor":"c1","totals":{"objects":1,"bytes":1,"pages":1}}' },
    ]);
  });
});
