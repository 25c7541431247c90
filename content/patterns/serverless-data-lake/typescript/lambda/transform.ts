import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { CURATED_PREFIX, EARLIEST_DATE, QUARANTINE_PREFIX } from './layout';

/** Largest raw object read into memory; bigger ones are quarantined untouched (a Glue job's work). */
export const MAX_OBJECT_BYTES = 32 * 1024 * 1024;
/** Largest text a gzip object may expand to, so a small bomb cannot exhaust the function's memory. */
export const MAX_TEXT_BYTES = 128 * 1024 * 1024;
/** How far ahead of the function's clock an event may be: a little producer clock skew, no more. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const CURRENCY = /^[A-Za-z]{3}$/;
const MAX_TOTAL = 1_000_000;
// ISO 8601 with a mandatory offset: a time without one means a different instant per producer.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** One row of the curated `orders` table; the keys are the Glue table's columns. */
export type CuratedOrder = {
  order_id: string;
  customer_id: string;
  placed_at: string;
  total: number;
  currency: string;
  source_key: string;
  source_line: number;
};

/** One quarantined line, or a whole object (`source_line` and `line` null) that could not be read. */
export type QuarantinedLine = { source_key: string; source_line: number | null; errors: string[]; line: string | null };

export type Transformed = { partitions: Map<string, CuratedOrder[]>; quarantined: QuarantinedLine[] };

type Valid = { ok: true; order: Omit<CuratedOrder, 'source_key' | 'source_line'>; dt: string };
type Invalid = { ok: false; errors: string[] };

/** The instant a placedAt value names, in epoch milliseconds, or why it names none. */
export function parseEventTime(value: unknown): number | string {
  const format = 'placedAt must be an ISO 8601 date-time with a time zone, such as 2026-12-05T09:30:00Z';
  if (typeof value !== 'string') return format;
  const m = DATE_TIME.exec(value);
  if (!m) return format;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '0').padEnd(3, '0'));
  const offsetMinutes = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) : 0;
  if (year < Number(EARLIEST_DATE.slice(0, 4))) return `placedAt is before ${EARLIEST_DATE}, the first day the table can query`;
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || Number(m[9] ?? 0) > 23 || Number(m[10] ?? 0) > 59) {
    return format;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** Checks one parsed line against the curated schema and maps it to the table's columns. */
export function validateOrder(value: unknown, nowMs: number): Valid | Invalid {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: ['not a JSON object'] };
  const input = value as Record<string, unknown>;
  const errors: string[] = [];
  for (const field of ['orderId', 'customerId'] as const) {
    if (typeof input[field] !== 'string' || !ID.test(input[field])) {
      errors.push(`${field} must be a string of 1 to 64 letters, digits, '-' or '_'`);
    }
  }
  const placed = parseEventTime(input.placedAt);
  let dt = '';
  if (typeof placed === 'string') errors.push(placed);
  else {
    dt = new Date(placed).toISOString().slice(0, 10);
    if (dt < EARLIEST_DATE) errors.push(`placedAt is before ${EARLIEST_DATE}, the first day the table can query`);
    else if (placed > nowMs + MAX_CLOCK_SKEW_MS) errors.push('placedAt is in the future');
  }
  const total = input.total;
  if (typeof total !== 'number' || !Number.isFinite(total) || total < 0 || total > MAX_TOTAL) {
    errors.push(`total must be a number from 0 to ${MAX_TOTAL}`);
  }
  if (typeof input.currency !== 'string' || !CURRENCY.test(input.currency)) errors.push('currency must be a three-letter ISO 4217 code');
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    dt,
    order: {
      order_id: input.orderId as string,
      customer_id: input.customerId as string,
      // The text form Athena's JSON SerDe reads as a timestamp, always in UTC.
      placed_at: new Date(placed as number).toISOString().replace('T', ' ').replace('Z', ''),
      total: total as number,
      currency: (input.currency as string).toUpperCase(),
    },
  };
}

/**
 * Splits a JSON-lines text into curated rows grouped by event day, and quarantined lines.
 * Blank lines are skipped; every other line ends up in exactly one of the two.
 */
export function transformLines(text: string, sourceKey: string, nowMs: number): Transformed {
  const partitions = new Map<string, CuratedOrder[]>();
  const quarantined: QuarantinedLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const sourceLine = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      quarantined.push({ source_key: sourceKey, source_line: sourceLine, errors: ['not valid JSON'], line });
      return;
    }
    const result = validateOrder(parsed, nowMs);
    if (!result.ok) {
      quarantined.push({ source_key: sourceKey, source_line: sourceLine, errors: result.errors, line });
      return;
    }
    const rows = partitions.get(result.dt) ?? [];
    rows.push({ ...result.order, source_key: sourceKey, source_line: sourceLine });
    partitions.set(result.dt, rows);
  });
  return { partitions, quarantined };
}

/** Raw bytes to text: gunzips when the object starts with the gzip magic number, insists on UTF-8. */
export function decodeObject(body: Uint8Array): { text: string } | { error: string } {
  let bytes = body;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_TEXT_BYTES });
    } catch (error) {
      if (error instanceof RangeError) return { error: `expands to more than ${MAX_TEXT_BYTES} bytes` };
      return { error: 'not a readable gzip file' };
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { error: 'not UTF-8 text' };
  }
}

/** The same source object always maps to the same output name, so a re-run overwrites instead of duplicating. */
export function outputStem(sourceKey: string): string {
  return createHash('sha256').update(sourceKey, 'utf8').digest('hex').slice(0, 16);
}

export function curatedKey(dt: string, sourceKey: string): string {
  return `${CURATED_PREFIX}dt=${dt}/${outputStem(sourceKey)}.json.gz`;
}

export function quarantineKey(sourceKey: string): string {
  return `${QUARANTINE_PREFIX}${outputStem(sourceKey)}.jsonl`;
}

/** S3 event keys are URL-encoded, with '+' for spaces. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The two S3 calls the transform makes, so tests can stand in for the client. */
export type ObjectStore = {
  get(bucket: string, key: string, versionId?: string): Promise<Uint8Array>;
  put(bucket: string, key: string, body: Uint8Array, contentType: string): Promise<void>;
};

export function s3Store(client: S3Client): ObjectStore {
  return {
    async get(bucket, key, versionId) {
      const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      if (!result.Body) throw new Error(`S3 returned no body for s3://${bucket}/${key}`);
      return result.Body.transformToByteArray();
    },
    async put(bucket, key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}

const jsonLines = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

export type SourceObject = { bucket: string; key: string; versionId?: string; size: number };
export type Summary = { sourceKey: string; curated: number; quarantined: number; written: string[] };

/** Reads one raw object and writes its curated partitions and its quarantine file. */
export async function processObject(store: ObjectStore, source: SourceObject, curatedBucket: string, nowMs: number): Promise<Summary> {
  let result: Transformed;
  if (source.size > MAX_OBJECT_BYTES) {
    // Not read at all: retrying cannot make it smaller. The raw object stays where it is.
    result = { partitions: new Map(), quarantined: [unreadable(source.key, `larger than ${MAX_OBJECT_BYTES} bytes`)] };
  } else {
    const decoded = decodeObject(await store.get(source.bucket, source.key, source.versionId));
    result = 'error' in decoded
      ? { partitions: new Map(), quarantined: [unreadable(source.key, decoded.error)] }
      : transformLines(decoded.text, source.key, nowMs);
  }

  const written: string[] = [];
  let curated = 0;
  for (const dt of [...result.partitions.keys()].sort()) {
    const rows = result.partitions.get(dt)!;
    const key = curatedKey(dt, source.key);
    // gzip's header time is zero in Node, so the same rows always give the same bytes.
    await store.put(curatedBucket, key, gzipSync(jsonLines(rows)), 'application/gzip');
    written.push(key);
    curated += rows.length;
  }
  if (result.quarantined.length > 0) {
    const key = quarantineKey(source.key);
    await store.put(curatedBucket, key, new TextEncoder().encode(jsonLines(result.quarantined)), 'application/x-ndjson');
    written.push(key);
  }
  return { sourceKey: source.key, curated, quarantined: result.quarantined.length, written };
}

function unreadable(sourceKey: string, reason: string): QuarantinedLine {
  return { source_key: sourceKey, source_line: null, errors: [`object ${reason}`], line: null };
}

export function createHandler(store: ObjectStore, curatedBucket: string, clock: () => number = Date.now) {
  return async (event: S3Event): Promise<Summary[]> => {
    const summaries: Summary[] = [];
    // Records are handled one after another; a failure fails the invocation and Lambda retries
    // it whole, which is safe because every write lands on a key derived from its source.
    for (const record of event.Records ?? []) {
      const source = {
        bucket: record.s3.bucket.name,
        key: decodeEventKey(record.s3.object.key),
        versionId: record.s3.object.versionId,
        size: record.s3.object.size,
      };
      const summary = await processObject(store, source, curatedBucket, clock());
      console.log(JSON.stringify({ level: 'INFO', message: 'transformed', ...summary }));
      summaries.push(summary);
    }
    return summaries;
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createHandler(s3Store(new S3Client({})), process.env.CURATED_BUCKET_NAME ?? '');
