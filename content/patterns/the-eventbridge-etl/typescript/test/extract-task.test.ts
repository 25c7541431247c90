import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import * as contract from '../lambda/pipeline-events';
import {
  CsvReader,
  EXTRACT_SOURCE,
  exitCodeOf,
  extractFile,
  FILE_EXTRACTED,
  paceDelay,
  readConfig,
  ROW_EXTRACTED,
  rowEntry,
} from '../task/extract';

process.env.AWS_REGION ??= 'us-east-1';

function parse(...chunks: string[]): string[][] {
  const reader = new CsvReader();
  return [...chunks.flatMap((c) => reader.push(c)), ...reader.end()];
}

async function* chunksOf(...parts: string[]): AsyncIterable<string> {
  for (const p of parts) yield p;
}

describe('CsvReader', () => {
  test('splits plain rows and ignores blank lines and a trailing newline', () => {
    assert.deepEqual(parse('a,b,c\n1,2,3\n\n4,5,6\n'), [
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
  });

  test('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    assert.deepEqual(parse('id,note\n1,"Smith, Jane"\n2,"said ""hi"""\n3,"two\nlines"\n'), [
      ['id', 'note'],
      ['1', 'Smith, Jane'],
      ['2', 'said "hi"'],
      ['3', 'two\nlines'],
    ]);
  });

  test('handles CRLF line endings, a byte-order mark, empty fields and a last line without newline', () => {
    assert.deepEqual(parse('\uFEFFa,b\r\n,x\r\n"",y'), [
      ['a', 'b'],
      ['', 'x'],
      ['', 'y'],
    ]);
  });

  test('gives the same rows wherever the stream happens to be cut', () => {
    const text = 'id,name,note\r\n1,"Doe, J","a ""quoted"" word"\n2,Ann,"multi\nline"\n';
    const whole = parse(text);
    for (let i = 0; i <= text.length; i++) {
      assert.deepEqual(parse(text.slice(0, i), text.slice(i)), whole, `cut at ${i}`);
    }
  });

  test('refuses a file that ends inside a quoted field', () => {
    const reader = new CsvReader();
    reader.push('a\n"open');
    assert.throws(() => reader.end(), /inside a quoted field/);
  });
});

describe('rowEntry', () => {
  test('maps values to header names and publishes them as RowExtracted on the given bus', () => {
    const entry = rowEntry({ bucket: 'b', key: 'in/orders.csv' }, 'bus', ['order_id', 'amount', ''], ['A1', '9.99', 'ignored'], 7);
    assert.equal(entry.EventBusName, 'bus');
    assert.equal(entry.Source, 'etl.extract');
    assert.equal(entry.DetailType, 'RowExtracted');
    assert.deepEqual(JSON.parse(String(entry.Detail)), {
      bucket: 'b',
      key: 'in/orders.csv',
      row: 7,
      fields: { order_id: 'A1', amount: '9.99' },
    });
  });

  test('fills a missing trailing value with an empty string', () => {
    const entry = rowEntry({ bucket: 'b', key: 'k' }, 'bus', ['a', 'b'], ['1'], 1);
    assert.deepEqual(JSON.parse(String(entry.Detail)).fields, { a: '1', b: '' });
  });

  test('uses the same source and detail types as the rules in the stack', () => {
    assert.equal(EXTRACT_SOURCE, contract.EXTRACT_SOURCE);
    assert.equal(ROW_EXTRACTED, contract.ROW_EXTRACTED);
    assert.equal(FILE_EXTRACTED, contract.FILE_EXTRACTED);
    assert.ok(EXTRACT_SOURCE.startsWith(contract.SOURCE_PREFIX));
  });
});

describe('paceDelay', () => {
  test('waits only as long as needed to stay under the rate', () => {
    assert.equal(paceDelay(20, 0, 20), 1000);
    assert.equal(paceDelay(20, 400, 20), 600);
    assert.equal(paceDelay(20, 1500, 20), 0);
    assert.equal(paceDelay(10, 0, 100), 100);
  });
});

describe('extractFile', () => {
  const config = { file: { bucket: 'b', key: 'orders.csv' }, eventBusName: 'bus', maxEventsPerSecond: 20 };

  function csv(rows: number): string {
    const lines = ['order_id,amount'];
    for (let i = 1; i <= rows; i++) lines.push(`A${i},${i}.00`);
    return lines.join('\n');
  }

  test('sends rows in batches of ten and paces the batches to the configured rate', async () => {
    const batches: PutEventsRequestEntry[][] = [];
    const sleeps: number[] = [];
    const summary = await extractFile(
      {
        chunks: chunksOf(csv(25).slice(0, 40), csv(25).slice(40)),
        send: async (entries) => {
          batches.push(entries);
          return [];
        },
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        now: () => 0, // a frozen clock: every wait is the full pacing delay
      },
      config,
    );
    assert.deepEqual(summary, { rows: 25, published: 25, failed: 0 });
    assert.deepEqual(batches.map((b) => b.length), [10, 10, 5]);
    assert.deepEqual(batches.flat().map((e) => JSON.parse(String(e.Detail)).row), Array.from({ length: 25 }, (_, i) => i + 1));
    // 10, 20 and 25 events at 20 per second: wait until 0.5 s, 1 s and 1.25 s.
    assert.deepEqual(sleeps, [500, 1000, 1250]);
  });

  test('resends entries EventBridge refused and counts those that never got through', async () => {
    let calls = 0;
    const summary = await extractFile(
      {
        chunks: chunksOf(csv(3)),
        send: async (entries) => {
          calls += 1;
          // The first row is refused every time, the others on the first attempt only.
          return calls === 1 ? entries : entries.filter((e) => JSON.parse(String(e.Detail)).row === 1);
        },
        sleep: async () => {},
        now: () => 0,
      },
      config,
    );
    assert.equal(calls, 3);
    assert.deepEqual(summary, { rows: 3, published: 2, failed: 1 });
  });

  test('publishes nothing for a file with only a header', async () => {
    let calls = 0;
    const summary = await extractFile(
      {
        chunks: chunksOf('order_id,amount\n'),
        send: async () => {
          calls += 1;
          return [];
        },
        sleep: async () => {},
        now: () => 0,
      },
      config,
    );
    assert.equal(calls, 0);
    assert.deepEqual(summary, { rows: 0, published: 0, failed: 0 });
  });
});

describe('a task that dies part-way through a file', () => {
  const config = { file: { bucket: 'b', key: 'orders.csv' }, eventBusName: 'bus', maxEventsPerSecond: 20 };
  const lines = ['order_id,amount', ...Array.from({ length: 35 }, (_, i) => `A${i + 1},1.00`)].join('\n');

  test('keeps the rows published before the failure and publishes nothing after it', async () => {
    const published: number[] = [];
    let calls = 0;
    const run = extractFile(
      {
        chunks: chunksOf(lines),
        send: async (entries) => {
          calls += 1;
          if (calls === 3) throw new Error('connection reset');
          published.push(...entries.map((e) => JSON.parse(String(e.Detail)).row as number));
          return [];
        },
        sleep: async () => {},
        now: () => 0,
      },
      config,
    );
    await assert.rejects(run, /connection reset/);
    assert.equal(calls, 3);
    assert.deepEqual(published, Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test('exits non-zero on a crash, on rows that never reached the bus, and only then', async () => {
    const errors: unknown[] = [];
    const logError = (e: unknown) => errors.push(e);
    assert.equal(await exitCodeOf(async () => { throw new Error('S3 stream aborted'); }, logError), 1);
    assert.equal(await exitCodeOf(async () => ({ failed: 2 }), logError), 1);
    assert.equal(await exitCodeOf(async () => ({ failed: 0 }), logError), 0);
    assert.equal(errors.length, 1);
  });
});

describe('readConfig', () => {
  test('reads the container overrides the Extractor passes', () => {
    assert.deepEqual(
      readConfig({ SOURCE_BUCKET: 'b', SOURCE_KEY: 'k.csv', EVENT_BUS_NAME: 'bus', MAX_EVENTS_PER_SECOND: '5' }),
      { file: { bucket: 'b', key: 'k.csv' }, eventBusName: 'bus', maxEventsPerSecond: 5 },
    );
  });

  test('fails fast without a file to read or with a nonsense rate', () => {
    assert.throws(() => readConfig({ SOURCE_KEY: 'k', EVENT_BUS_NAME: 'bus' }), /SOURCE_BUCKET/);
    assert.throws(
      () => readConfig({ SOURCE_BUCKET: 'b', SOURCE_KEY: 'k', EVENT_BUS_NAME: 'bus', MAX_EVENTS_PER_SECOND: '0' }),
      /MAX_EVENTS_PER_SECOND/,
    );
  });
});
