import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import {
  MAX_OBJECT_BYTES,
  type ObjectStore,
  createHandler,
  curatedKey,
  decodeEventKey,
  quarantineKey,
  s3Store,
  transformLines,
} from '../lambda/transform';

process.env.AWS_REGION ??= 'us-east-1';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const SAMPLE = readFileSync(path.join(__dirname, 'fixtures', 'orders.jsonl'));

/** An in-memory bucket pair standing in for S3. */
class FakeStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  readonly reads: string[] = [];
  readonly puts: { bucket: string; key: string; contentType: string }[] = [];
  async get(bucket: string, key: string, versionId?: string) {
    this.reads.push(`${bucket}/${key}@${versionId}`);
    const body = this.objects.get(`${bucket}/${key}`);
    if (!body) throw new Error(`NoSuchKey: ${key}`);
    return body;
  }
  async put(bucket: string, key: string, body: Uint8Array, contentType: string) {
    this.puts.push({ bucket, key, contentType });
    this.objects.set(`${bucket}/${key}`, body);
  }
  lines(bucket: string, key: string, gzipped: boolean): Record<string, unknown>[] {
    const body = this.objects.get(`${bucket}/${key}`);
    assert.ok(body, `expected s3://${bucket}/${key}`);
    const text = Buffer.from(gzipped ? gunzipSync(body) : body).toString('utf8');
    return text.trimEnd().split('\n').map((l) => JSON.parse(l));
  }
}

function s3Event(key: string, size: number, versionId = 'v1'): S3Event {
  return {
    Records: [{ s3: { bucket: { name: 'raw' }, object: { key, size, versionId } } }],
  } as unknown as S3Event;
}

async function run(store: FakeStore, key: string, body: Uint8Array) {
  store.objects.set(`raw/${key}`, body);
  return createHandler(store, 'curated', () => NOW)(s3Event(encodeURIComponent(key), body.length));
}

describe('transform logic', () => {
  test('curates valid records into one gzip JSON-lines object per event day', async () => {
    const store = new FakeStore();
    const [summary] = await run(store, 'incoming/orders.jsonl', SAMPLE);
    assert.deepEqual(summary.written, [
      curatedKey('2026-12-04', 'incoming/orders.jsonl'),
      curatedKey('2026-12-05', 'incoming/orders.jsonl'),
      quarantineKey('incoming/orders.jsonl'),
    ]);
    assert.match(summary.written[0]!, /^orders\/dt=2026-12-04\/[0-9a-f]{16}\.json\.gz$/);
    assert.deepEqual(store.lines('curated', summary.written[0]!, true), [
      // Columns renamed to the table's, currency upper-cased, the unknown "coupon" field dropped.
      {
        order_id: 'o-1001',
        customer_id: 'c-42',
        placed_at: '2026-12-04 09:30:00.000',
        total: 59.9,
        currency: 'EUR',
        source_key: 'incoming/orders.jsonl',
        source_line: 1,
      },
    ]);
    assert.equal(store.puts[0]!.contentType, 'application/gzip');
  });

  test('partitions by the UTC date of placedAt, not by arrival time', async () => {
    const store = new FakeStore();
    const [summary] = await run(store, 'incoming/orders.jsonl', SAMPLE);
    const dec5 = store.lines('curated', summary.written[1]!, true);
    // 23:30 at UTC-2 on the 4th is 01:30 UTC on the 5th.
    assert.deepEqual(
      dec5.map((r) => [r.order_id, r.placed_at, r.source_line]),
      [
        ['o-1002', '2026-12-05 01:30:00.000', 2],
        ['o-1003', '2026-12-05 07:00:00.250', 4],
      ],
    );
  });

  test('quarantines invalid lines with their line number and every reason', async () => {
    const store = new FakeStore();
    const [summary] = await run(store, 'incoming/orders.jsonl', SAMPLE);
    const quarantined = store.lines('curated', quarantineKey('incoming/orders.jsonl'), false);
    assert.deepEqual(quarantined, [
      {
        source_key: 'incoming/orders.jsonl',
        source_line: 5,
        errors: [
          'placedAt must be an ISO 8601 date-time with a time zone, such as 2026-12-05T09:30:00Z',
          'total must be a number from 0 to 1000000',
          'currency must be a three-letter ISO 4217 code',
        ],
        line: '{"orderId":"o-1004","customerId":"c-9","placedAt":"yesterday","total":"7.50","currency":"EURO"}',
      },
      {
        source_key: 'incoming/orders.jsonl',
        source_line: 6,
        errors: ['not valid JSON'],
        line: '{"orderId":"o-1005","customerId":"c-9","placedAt":"2026-12-05T10:00:00Z","total":7.5,"currency":"EUR"',
      },
    ]);
    assert.deepEqual([summary.curated, summary.quarantined], [3, 2]);
  });

  test('refuses records the table could not show or should not hold', () => {
    const line = (fields: Record<string, unknown>) =>
      JSON.stringify({ orderId: 'o-1', customerId: 'c-1', placedAt: '2026-12-05T10:00:00Z', total: 1, currency: 'EUR', ...fields });
    const cases: [string, string][] = [
      [line({ placedAt: '2026-02-30T10:00:00Z' }), 'placedAt must be an ISO 8601 date-time with a time zone, such as 2026-12-05T09:30:00Z'],
      [line({ placedAt: '2026-12-05T10:00:00' }), 'placedAt must be an ISO 8601 date-time with a time zone, such as 2026-12-05T09:30:00Z'],
      [line({ placedAt: '2019-12-31T23:59:59Z' }), 'placedAt is before 2020-01-01, the first day the table can query'],
      [line({ placedAt: '2020-01-01T00:30:00+01:00' }), 'placedAt is before 2020-01-01, the first day the table can query'],
      [line({ placedAt: '2026-12-05T12:06:00Z' }), 'placedAt is in the future'],
      [line({ total: -1 }), 'total must be a number from 0 to 1000000'],
      [line({ total: true }), 'total must be a number from 0 to 1000000'],
      [line({ orderId: '' }), "orderId must be a string of 1 to 64 letters, digits, '-' or '_'"],
      [line({ customerId: 42 }), "customerId must be a string of 1 to 64 letters, digits, '-' or '_'"],
      ['[1, 2]', 'not a JSON object'],
      ['NaN', 'not valid JSON'],
    ];
    const text = cases.map(([l]) => l).join('\n');
    const { partitions, quarantined } = transformLines(text, 'incoming/x.jsonl', NOW);
    assert.equal(partitions.size, 0);
    assert.deepEqual(
      quarantined.map((q) => q.errors),
      cases.map(([, reason]) => [reason]),
    );
    // Four minutes ahead is clock skew, not the future.
    assert.equal(transformLines(line({ placedAt: '2026-12-05T12:04:00Z' }), 'k', NOW).partitions.size, 1);
  });

  test('accounts for every non-blank line of a mixed file exactly once', async () => {
    const store = new FakeStore();
    const [summary] = await run(store, 'incoming/orders.jsonl', SAMPLE);
    const nonBlank = SAMPLE.toString('utf8').split('\n').filter((l) => l.trim() !== '').length;
    assert.equal(summary.curated + summary.quarantined, nonBlank);
    const curatedLines = summary.written
      .filter((k) => k.startsWith('orders/'))
      .flatMap((k) => store.lines('curated', k, true).map((r) => r.source_line));
    const quarantinedLines = store.lines('curated', quarantineKey('incoming/orders.jsonl'), false).map((r) => r.source_line);
    assert.deepEqual([...curatedLines, ...quarantinedLines].sort(), [1, 2, 4, 5, 6]);
  });

  test('writes the same keys and bytes when the same object is processed again', async () => {
    const store = new FakeStore();
    const first = await run(store, 'incoming/orders.jsonl', SAMPLE);
    const snapshot = new Map(store.objects);
    const second = await run(store, 'incoming/orders.jsonl', SAMPLE);
    assert.deepEqual(second, first);
    assert.deepEqual(store.objects, snapshot);
    // A different upload never lands on the same keys.
    assert.notEqual(curatedKey('2026-12-05', 'incoming/other.jsonl'), curatedKey('2026-12-05', 'incoming/orders.jsonl'));
  });

  test('reads gzip-compressed uploads like plain ones', async () => {
    const plain = new FakeStore();
    const zipped = new FakeStore();
    const a = await run(plain, 'incoming/orders.jsonl', SAMPLE);
    const b = await run(zipped, 'incoming/orders.jsonl', gzipSync(SAMPLE));
    assert.deepEqual(b, a);
  });

  test('quarantines an object it cannot read instead of failing on it', async () => {
    const cases: [Uint8Array, number, string][] = [
      [Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]), 6, 'object not a readable gzip file'],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 4, 'object not UTF-8 text'],
      [Buffer.from('{}'), MAX_OBJECT_BYTES + 1, `object larger than ${MAX_OBJECT_BYTES} bytes`],
    ];
    for (const [body, size, reason] of cases) {
      const store = new FakeStore();
      store.objects.set('raw/incoming/bad.jsonl', body);
      const [summary] = await createHandler(store, 'curated', () => NOW)(s3Event('incoming/bad.jsonl', size));
      assert.deepEqual(summary!.written, [quarantineKey('incoming/bad.jsonl')]);
      assert.deepEqual(store.lines('curated', summary!.written[0]!, false), [
        { source_key: 'incoming/bad.jsonl', source_line: null, errors: [reason], line: null },
      ]);
    }
  });

  test('skips the download of an object over the size limit', async () => {
    const store = new FakeStore();
    await createHandler(store, 'curated', () => NOW)(s3Event('incoming/huge.jsonl', MAX_OBJECT_BYTES + 1));
    assert.deepEqual(store.reads, []);
  });

  test('decodes the URL-encoded key of the S3 event', () => {
    assert.equal(decodeEventKey('incoming/2026+12%2F05+orders%C3%A9.jsonl'), 'incoming/2026 12/05 ordersé.jsonl');
  });

  test('fails the invocation when S3 fails, so Lambda retries it', async () => {
    const store = new FakeStore();
    // Nothing stored under the key: the get throws, as S3 would on a throttle or a missing object.
    await assert.rejects(createHandler(store, 'curated', () => NOW)(s3Event('incoming/gone.jsonl', 10)), /NoSuchKey/);
    assert.deepEqual(store.puts, []);
  });

  test('reads the exact object version named in the event and writes to the curated bucket', async () => {
    const sent: unknown[] = [];
    const client = {
      send: async (command: GetObjectCommand | PutObjectCommand) => {
        sent.push(command.input);
        return { Body: { transformToByteArray: async () => new Uint8Array(SAMPLE) } };
      },
    } as unknown as S3Client;
    await createHandler(s3Store(client), 'curated', () => NOW)(s3Event('incoming/orders.jsonl', SAMPLE.length, 'v7'));
    assert.deepEqual(sent[0], { Bucket: 'raw', Key: 'incoming/orders.jsonl', VersionId: 'v7' });
    const puts = sent.slice(1) as { Bucket: string; Key: string; ContentType: string }[];
    assert.deepEqual(
      puts.map((p) => [p.Bucket, p.Key.split('/')[0], p.ContentType]),
      [
        ['curated', 'orders', 'application/gzip'],
        ['curated', 'orders', 'application/gzip'],
        ['curated', 'quarantine', 'application/x-ndjson'],
      ],
    );
  });
});
