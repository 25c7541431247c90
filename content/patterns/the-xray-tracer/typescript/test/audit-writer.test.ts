import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type AuditEntry, createHandler, dynamoSaver, toAuditEntry, traceRootOf } from '../lambda/audit-writer';
import { quietly, recordingTrace } from './recording-trace';

process.env.AWS_REGION ??= 'us-east-1';

const HEADER = 'Root=1-6740a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1';

function record(messageId: string, body: string, header: string | undefined = HEADER): SQSRecord {
  return {
    messageId,
    body,
    attributes: { SentTimestamp: '1795340000000', AWSTraceHeader: header },
  } as unknown as SQSRecord;
}
const order = (id: string) => `{"orderId":"${id}","customerId":"c-1","total":30,"currency":"EUR"}`;

describe('traceRootOf', () => {
  test('pulls the root trace id out of the AWSTraceHeader', () => {
    assert.equal(traceRootOf(HEADER), '1-6740a1b2-0123456789abcdef01234567');
    assert.equal(traceRootOf('Parent=1;Sampled=0'), null);
    assert.equal(traceRootOf(undefined), null);
  });
});

describe('toAuditEntry', () => {
  test('keeps the order, the message id, the send time and the trace it came from', () => {
    assert.deepEqual(toAuditEntry(record('m-1', order('o-1'))), {
      orderId: 'o-1',
      customerId: 'c-1',
      total: 30,
      currency: 'EUR',
      messageId: 'm-1',
      receivedAt: new Date(1795340000000).toISOString(),
      traceRoot: '1-6740a1b2-0123456789abcdef01234567',
    });
  });
});

describe('audit writer handler', () => {
  test('saves each message in its own span and reports only the failed ones for retry', async () => {
    const saved: string[] = [];
    const { trace, spans, annotations } = recordingTrace();
    const handler = createHandler(async (entry) => {
      if (entry.orderId === 'o-boom') throw new Error('throttled');
      saved.push(entry.orderId);
    }, trace);
    const event = { Records: [record('m-1', order('o-1')), record('m-2', 'garbage'), record('m-3', order('o-boom'))] } as SQSEvent;

    const { result } = await quietly(() => handler(event));

    assert.deepEqual(saved, ['o-1']);
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] });
    assert.deepEqual(spans, ['### audit order', '### audit order', '### audit order']);
    // Annotations land on the per-message span, so each order can be found in X-Ray.
    assert.deepEqual(
      annotations.map((a) => [a.span, a.value]),
      [
        ['### audit order', 'o-1'],
        ['### audit order', 'o-boom'],
      ],
    );
  });
});

describe('dynamoSaver', () => {
  test('puts one item keyed by order id, with the trace root when there is one', async () => {
    const sent: any[] = [];
    const client = { send: async (command: any) => void sent.push(command.input) } as unknown as DynamoDBClient;
    const entry: AuditEntry = {
      orderId: 'o-1',
      customerId: 'c-1',
      total: 30,
      currency: 'EUR',
      messageId: 'm-1',
      receivedAt: '2026-11-22T10:00:00.000Z',
      traceRoot: null,
    };
    await dynamoSaver(client, 'Audit')(entry);
    await dynamoSaver(client, 'Audit')({ ...entry, traceRoot: '1-a-b' });
    assert.equal(sent[0].TableName, 'Audit');
    assert.deepEqual(sent[0].Item.orderId, { S: 'o-1' });
    assert.deepEqual(sent[0].Item.total, { N: '30' });
    assert.equal(sent[0].Item.traceRoot, undefined);
    assert.deepEqual(sent[1].Item.traceRoot, { S: '1-a-b' });
  });
});
