import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PROXY_PORT, proxyPoolOptions, readSettings } from '../lambda/connection';
import {
  CREATE_TABLE,
  createHandler,
  type Entry,
  type Guestbook,
  parseEntry,
  parseLimit,
  type RunSql,
  sqlGuestbook,
} from '../lambda/guestbook';

function request(routeKey: string, body?: unknown, query?: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    routeKey,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    queryStringParameters: query,
  } as unknown as APIGatewayProxyEventV2;
}

function memoryGuestbook(): Guestbook & { entries: Entry[] } {
  const entries: Entry[] = [];
  return {
    entries,
    async add(entry) {
      const saved = { id: entries.length + 1, createdAt: '2026-11-22T10:00:00.000Z', ...entry };
      entries.push(saved);
      return saved;
    },
    async latest(limit) {
      return [...entries].reverse().slice(0, limit);
    },
  };
}

describe('parseEntry', () => {
  test('trims and accepts a name and message', () => {
    assert.deepEqual(parseEntry(JSON.stringify({ name: ' Ada ', message: ' Hello ' })), {
      ok: true,
      value: { name: 'Ada', message: 'Hello' },
    });
  });

  test('reads base64 bodies', () => {
    const body = Buffer.from(JSON.stringify({ name: 'Ada', message: 'Hi' })).toString('base64');
    assert.equal(parseEntry(body, true).ok, true);
  });

  test('rejects missing, malformed, blank and oversized input', () => {
    assert.equal(parseEntry(undefined).ok, false);
    assert.equal(parseEntry('{not json').ok, false);
    assert.equal(parseEntry(JSON.stringify({ name: 'Ada' })).ok, false);
    assert.equal(parseEntry(JSON.stringify({ name: '   ', message: 'Hi' })).ok, false);
    assert.equal(parseEntry(JSON.stringify({ name: 'x'.repeat(41), message: 'Hi' })).ok, false);
    assert.equal(parseEntry(JSON.stringify({ name: 'Ada', message: 'x'.repeat(281) })).ok, false);
    assert.equal(parseEntry('null').ok, false);
  });
});

describe('parseLimit', () => {
  test('defaults to 20 and allows 1 to 50', () => {
    assert.deepEqual(parseLimit(undefined), { ok: true, value: 20 });
    assert.deepEqual(parseLimit('5'), { ok: true, value: 5 });
    for (const bad of ['0', '51', '2.5', 'ten']) assert.equal(parseLimit(bad).ok, false, bad);
  });
});

describe('sqlGuestbook', () => {
  function recordingRunner(fail?: (sql: string) => boolean) {
    const calls: { sql: string; params?: (string | number)[] }[] = [];
    const run: RunSql = async (sql, params) => {
      calls.push({ sql, params });
      if (fail?.(sql)) throw new Error('connection refused');
      if (sql.startsWith('INSERT')) return { insertId: 7 };
      if (sql.startsWith('SELECT')) {
        return [{ id: 7, name: 'Ada', message: "Robert'); DROP TABLE entries;--", created_at: new Date('2026-11-22T10:00:00Z') }];
      }
      return {};
    };
    return { calls, run };
  }

  test('creates the table once, then inserts with placeholders and reads the row back', async () => {
    const { calls, run } = recordingRunner();
    const book = sqlGuestbook(run);
    const message = "Robert'); DROP TABLE entries;--";
    const entry = await book.add({ name: 'Ada', message });
    await book.latest(3);

    assert.equal(calls.filter((c) => c.sql === CREATE_TABLE).length, 1);
    const insert = calls.find((c) => c.sql.startsWith('INSERT'))!;
    assert.equal(insert.sql, 'INSERT INTO entries (name, message) VALUES (?, ?)');
    assert.deepEqual(insert.params, ['Ada', message]);
    assert.ok(calls.every((c) => !c.sql.includes('DROP')), 'user input must never reach the SQL text');
    assert.deepEqual(calls.at(-1)?.params, [3]);
    assert.deepEqual(entry, { id: 7, name: 'Ada', message, createdAt: '2026-11-22T10:00:00.000Z' });
  });

  test('retries table creation after a failed first attempt', async () => {
    let failCreate = true;
    const { calls, run } = recordingRunner((sql) => sql === CREATE_TABLE && failCreate);
    const book = sqlGuestbook(run);
    await assert.rejects(book.latest(1), /connection refused/);
    failCreate = false;
    await book.latest(1);
    assert.equal(calls.filter((c) => c.sql === CREATE_TABLE).length, 2);
  });
});

describe('guestbook handler', () => {
  test('stores a valid entry and answers 201', async () => {
    const book = memoryGuestbook();
    const response = await createHandler(book)(request('POST /entries', { name: 'Ada', message: 'Hello' }));
    assert.equal(response.statusCode, 201);
    assert.equal(JSON.parse(String(response.body)).entry.id, 1);
    assert.equal(book.entries.length, 1);
  });

  test('rejects an invalid entry with 400 and stores nothing', async () => {
    const book = memoryGuestbook();
    const response = await createHandler(book)(request('POST /entries', { name: 'Ada' }));
    assert.equal(response.statusCode, 400);
    assert.equal(book.entries.length, 0);
  });

  test('lists the newest entries first, honouring the limit', async () => {
    const book = memoryGuestbook();
    const handler = createHandler(book);
    for (const name of ['A', 'B', 'C']) await handler(request('POST /entries', { name, message: 'hi' }));
    const response = await handler(request('GET /entries', undefined, { limit: '2' }));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      JSON.parse(String(response.body)).entries.map((e: Entry) => e.name),
      ['C', 'B'],
    );
  });

  test('answers 503 without leaking the cause when the database fails', async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const handler = createHandler({
        add: async () => {
          throw new Error('connect ETIMEDOUT secret-proxy.proxy-abc.eu-west-1.rds.amazonaws.com');
        },
        latest: async () => [],
      });
      const response = await handler(request('POST /entries', { name: 'Ada', message: 'Hi' }));
      assert.equal(response.statusCode, 503);
      assert.doesNotMatch(String(response.body), /rds\.amazonaws\.com/);
    } finally {
      console.error = original;
    }
  });
});

describe('proxy connection settings', () => {
  test('requires the endpoint, user and database name', () => {
    assert.throws(() => readSettings({ PROXY_ENDPOINT: 'p', DB_USER: 'admin' }));
    assert.deepEqual(readSettings({ PROXY_ENDPOINT: 'p', DB_USER: 'admin', DB_NAME: 'guestbook' }), {
      host: 'p',
      user: 'admin',
      database: 'guestbook',
    });
  });

  test('verifies TLS and answers the cleartext request with a freshly signed token', async () => {
    let signed = 0;
    const options = proxyPoolOptions({ host: 'p', user: 'admin', database: 'guestbook' }, async () => `token-${++signed}`);
    assert.equal(options.port, PROXY_PORT);
    assert.equal(options.password, undefined, 'no static password is configured');
    assert.deepEqual(options.ssl, { rejectUnauthorized: true, minVersion: 'TLSv1.2' });
    assert.equal(options.connectionLimit, 1);

    const plugin = options.authPlugins!.mysql_clear_password!;
    const respond = () => plugin({ connection: {} as never, command: 'auth' })(Buffer.alloc(0));
    assert.deepEqual(await respond(), Buffer.from('token-1\0'));
    assert.deepEqual(await respond(), Buffer.from('token-2\0'));
  });
});
