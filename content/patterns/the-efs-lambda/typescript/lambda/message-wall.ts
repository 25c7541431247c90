import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { fileMessageStore, type MessageStore } from './message-store';

export const TEXT_MAX = 500;
export const DEFAULT_LIMIT = 20;
export const LIMIT_MAX = 100;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseText(body: string | undefined, isBase64Encoded = false): Parsed<string> {
  if (!body) return { ok: false, error: 'Send a JSON body such as {"text": "hello"}.' };
  let data: unknown;
  try {
    data = JSON.parse(isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body);
  } catch {
    return { ok: false, error: 'The body is not valid JSON.' };
  }
  const text = (data as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') return { ok: false, error: '"text" must be a string.' };
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > TEXT_MAX) {
    return { ok: false, error: `"text" must be 1 to ${TEXT_MAX} characters.` };
  }
  return { ok: true, value: trimmed };
}

export function parseLimit(raw: string | undefined): Parsed<number> {
  if (raw === undefined || raw === '') return { ok: true, value: DEFAULT_LIMIT };
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMIT_MAX) {
    return { ok: false, error: `"limit" must be a whole number from 1 to ${LIMIT_MAX}.` };
  }
  return { ok: true, value: limit };
}

export function createHandler(store: MessageStore) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      switch (event.routeKey) {
        case 'POST /messages': {
          const parsed = parseText(event.body, event.isBase64Encoded);
          if (!parsed.ok) return json(400, { message: parsed.error });
          return json(201, { message: await store.append(parsed.value) });
        }
        case 'GET /messages': {
          const parsed = parseLimit(event.queryStringParameters?.limit);
          if (!parsed.ok) return json(400, { message: parsed.error });
          return json(200, await store.list(parsed.value));
        }
        case 'DELETE /messages':
          return json(200, { deleted: await store.clear() });
        default:
          return json(404, { message: 'Use GET, POST or DELETE on /messages.' });
      }
    } catch (error) {
      // The cause (paths, errno codes) is for the logs, not for callers.
      console.error(JSON.stringify({ level: 'ERROR', message: 'message wall request failed', route: event.routeKey, error: String(error) }));
      return json(500, { message: 'The message wall is unavailable right now.' });
    }
  };
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

// The access point's root directory, mounted by Lambda before the first invocation.
export const handler = createHandler(fileMessageStore(process.env.MESSAGE_DIR ?? '/mnt/msg'));
