import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

/** One CSV row as a header-keyed record: what the Distributed Map's CSV reader hands out, and what parseCsv returns. */
export type Row = Record<string, string | undefined>;

/** A row that passed validation, with money in whole cents so no float ever touches it. */
export interface Sale {
  orderId: string;
  sku: string;
  units: number;
  cents: number;
}

/** What processing a file, or one batch of it, adds to the upload's running totals. */
export interface Totals {
  rows: number;
  rejected: number;
  units: number;
  revenueCents: number;
}

const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SKU = /^[A-Z0-9-]{1,32}$/;
const QUANTITY = /^\d{1,4}$/;
const PRICE = /^(\d{1,5})(?:\.(\d{1,2}))?$/;
/** Bounds that keep a 5 MiB file's revenue, in cents, well inside a safe integer. */
export const MAX_QUANTITY = 1000;

/** A valid sale, or undefined for a row that is missing a column or holds a value out of range. */
export function parseSale(row: Row): Sale | undefined {
  const orderId = row.orderId?.trim() ?? '';
  const sku = row.sku?.trim() ?? '';
  const quantity = row.quantity?.trim() ?? '';
  const price = PRICE.exec(row.unitPrice?.trim() ?? '');
  if (!ORDER_ID.test(orderId) || !SKU.test(sku) || !QUANTITY.test(quantity) || !price) return undefined;
  const units = Number(quantity);
  if (units < 1 || units > MAX_QUANTITY) return undefined;
  const cents = Number(price[1]) * 100 + Number((price[2] ?? '').padEnd(2, '0'));
  return { orderId, sku, units, cents };
}

/** Counts every row, adds up the valid ones and counts the rest as rejected. */
export function tally(rows: Row[]): Totals {
  const totals: Totals = { rows: 0, rejected: 0, units: 0, revenueCents: 0 };
  for (const row of rows) {
    totals.rows += 1;
    const sale = parseSale(row);
    if (!sale) {
      totals.rejected += 1;
      continue;
    }
    totals.units += sale.units;
    totals.revenueCents += sale.units * sale.cents;
  }
  return totals;
}

/**
 * RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) with a header row, as records keyed by
 * the header. The Step Functions CSV reader reads large files the same way, so both paths see the same rows.
 */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...body] = records.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) return [];
  const columns = header.map((h) => h.trim());
  return body.map((values) => Object.fromEntries(columns.map((name, i) => [name, values[i]])));
}

/** The part of an S3 "Object Created" event (delivered through EventBridge) this app reads. */
export interface ObjectCreatedDetail {
  bucket: { name: string };
  object: { key: string; size: number; sequencer: string; etag?: string; 'version-id'?: string };
}

/**
 * One upload of one object. The sequencer changes with every write to a key, so uploading a file again
 * is a new upload, while a redelivered event for the same write names the same one.
 */
/**
 * The object key S3 names in an event, as GetObject wants it. S3 URL-encodes keys in its event
 * notifications (a space arrives as `+`); keys of letters, digits and `/._-` read the same either way.
 */
export function objectKeyOf(eventKey: string): string {
  return decodeURIComponent(eventKey.replace(/\+/g, ' '));
}

export function uploadIdOf(detail: ObjectCreatedDetail): string {
  return `${detail.bucket.name}/${detail.object.key}@${detail.object.sequencer}`;
}

/** Adds totals to the upload's item; `complete` also marks the upload done (the small-file path). */
export type AddTotals = (uploadId: string, objectKey: string, totals: Totals, complete: boolean) => Promise<void>;

export function dynamoAddTotals(client: DynamoDBClient, tableName: string): AddTotals {
  return async (uploadId, objectKey, totals, complete) => {
    // One UpdateItem: the whole effect of a file or a batch lands at once, or not at all.
    // ADD is not idempotent on its own; the idempotency layer in front of it is what stops a second run.
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { uploadId: { S: uploadId } },
        UpdateExpression: `ADD #rows :rows, rejected :rejected, units :units, revenueCents :cents SET objectKey = :key${complete ? ', #status = :complete' : ''}`,
        ExpressionAttributeNames: { '#rows': 'rows', ...(complete ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: {
          ':rows': { N: String(totals.rows) },
          ':rejected': { N: String(totals.rejected) },
          ':units': { N: String(totals.units) },
          ':cents': { N: String(totals.revenueCents) },
          ':key': { S: objectKey },
          ...(complete ? { ':complete': { S: 'COMPLETE' } } : {}),
        },
      }),
    );
  };
}
