import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type NewEntry = { name: string; message: string };
export type Entry = NewEntry & { id: number; createdAt: string };

/** Everything the handler needs from MySQL; tests hand in an in-memory version. */
export interface Guestbook {
  add(entry: NewEntry): Promise<Entry>;
  latest(limit: number): Promise<Entry[]>;
}

/** One SQL round trip: rows for a SELECT, the result header for an INSERT. */
export type RunSql = (sql: string, params?: (string | number)[]) => Promise<unknown>;

export const NAME_MAX = 40;
export const MESSAGE_MAX = 280;
export const DEFAULT_LIMIT = 20;
export const LIMIT_MAX = 50;

export const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS entries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(${NAME_MAX}) NOT NULL,
  message VARCHAR(${MESSAGE_MAX}) NOT NULL,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
)`;
const SELECT_ENTRIES = 'SELECT id, name, message, created_at FROM entries';

type EntryRow = { id: number | string; name: string; message: string; created_at: Date | string };

function toEntry(row: EntryRow): Entry {
  return {
    id: Number(row.id),
    name: row.name,
    message: row.message,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * The guestbook on top of any SQL runner. The table is created on first use in each
 * execution environment; a failed attempt is forgotten so the next request retries it.
 * Values always travel as placeholders, never spliced into the SQL text.
 */
export function sqlGuestbook(run: RunSql): Guestbook {
  let schemaReady: Promise<unknown> | undefined;
  const ensureSchema = () => {
    schemaReady ??= run(CREATE_TABLE).catch((error: unknown) => {
      schemaReady = undefined;
      throw error;
    });
    return schemaReady;
  };

  return {
    async add({ name, message }) {
      await ensureSchema();
      const header = (await run('INSERT INTO entries (name, message) VALUES (?, ?)', [name, message])) as {
        insertId: number;
      };
      const rows = (await run(`${SELECT_ENTRIES} WHERE id = ?`, [header.insertId])) as EntryRow[];
      if (rows.length !== 1) throw new Error(`entry ${header.insertId} was not found after the insert`);
      return toEntry(rows[0]!);
    },
    async latest(limit) {
      await ensureSchema();
      const rows = (await run(`${SELECT_ENTRIES} ORDER BY id DESC LIMIT ?`, [limit])) as EntryRow[];
      return rows.map(toEntry);
    },
  };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseEntry(body: string | undefined, isBase64Encoded = false): Parsed<NewEntry> {
  if (!body) return { ok: false, error: 'Send a JSON body with "name" and "message".' };
  let data: unknown;
  try {
    data = JSON.parse(isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body);
  } catch {
    return { ok: false, error: 'The body is not valid JSON.' };
  }
  const { name, message } = (data ?? {}) as Record<string, unknown>;
  if (typeof name !== 'string' || typeof message !== 'string') {
    return { ok: false, error: '"name" and "message" must both be strings.' };
  }
  const entry = { name: name.trim(), message: message.trim() };
  if (entry.name.length === 0 || entry.name.length > NAME_MAX) {
    return { ok: false, error: `"name" must be 1 to ${NAME_MAX} characters.` };
  }
  if (entry.message.length === 0 || entry.message.length > MESSAGE_MAX) {
    return { ok: false, error: `"message" must be 1 to ${MESSAGE_MAX} characters.` };
  }
  return { ok: true, value: entry };
}

export function parseLimit(raw: string | undefined): Parsed<number> {
  if (raw === undefined || raw === '') return { ok: true, value: DEFAULT_LIMIT };
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMIT_MAX) {
    return { ok: false, error: `"limit" must be a whole number from 1 to ${LIMIT_MAX}.` };
  }
  return { ok: true, value: limit };
}

export function createHandler(guestbook: Guestbook) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      switch (event.routeKey) {
        case 'POST /entries': {
          const parsed = parseEntry(event.body, event.isBase64Encoded);
          if (!parsed.ok) return json(400, { message: parsed.error });
          return json(201, { entry: await guestbook.add(parsed.value) });
        }
        case 'GET /entries': {
          const parsed = parseLimit(event.queryStringParameters?.limit);
          if (!parsed.ok) return json(400, { message: parsed.error });
          return json(200, { entries: await guestbook.latest(parsed.value) });
        }
        default:
          return json(404, { message: 'Use GET or POST on /entries.' });
      }
    } catch (error) {
      // Operators get the cause in the logs; callers never see host names or SQL errors.
      console.error(JSON.stringify({ level: 'ERROR', message: 'guestbook request failed', route: event.routeKey, error: String(error) }));
      return json(503, { message: 'The guestbook is unavailable right now; try again shortly.' });
    }
  };
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
