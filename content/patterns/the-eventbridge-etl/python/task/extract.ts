// The extract step: runs once per CSV file as a Fargate task, started by the Extractor function.
// It streams the object from S3, turns every data row into one EventBridge event and paces the
// PutEvents calls so the rest of the pipeline is fed at a rate it was sized for.
//
// Node.js 24 runs this file directly (type stripping), so it only uses erasable TypeScript.
import { pathToFileURL } from 'node:url';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

// Must match lambda/pipeline-events.ts; a unit test keeps the two in step.
export const EXTRACT_SOURCE = 'etl.extract';
export const ROW_EXTRACTED = 'RowExtracted';
export const FILE_EXTRACTED = 'FileExtracted';

/** PutEvents accepts at most ten entries per call. */
const BATCH_SIZE = 10;
const MAX_ATTEMPTS = 3;

/**
 * An RFC 4180 CSV reader that accepts text in arbitrary chunks, so a large object can be
 * parsed as it streams in without holding the whole file in memory.
 */
export class CsvReader {
  private field = '';
  private row: string[] = [];
  private inQuotes = false;
  private justClosedQuote = false;
  private fieldStarted = false;
  private atStart = true;

  push(text: string): string[][] {
    const rows: string[][] = [];
    let input = text;
    if (this.atStart && input.length > 0) {
      input = input.replace(/^\uFEFF/, '');
      this.atStart = false;
    }
    for (const c of input) {
      if (this.inQuotes) {
        if (c === '"') {
          this.inQuotes = false;
          this.justClosedQuote = true;
        } else {
          this.field += c;
        }
        continue;
      }
      if (c === '"') {
        if (this.justClosedQuote) {
          // "" inside a quoted field is one literal quote.
          this.field += '"';
          this.inQuotes = true;
        } else if (!this.fieldStarted) {
          this.inQuotes = true;
          this.fieldStarted = true;
        } else {
          this.field += c;
        }
        this.justClosedQuote = false;
        continue;
      }
      this.justClosedQuote = false;
      if (c === ',') {
        this.endField();
      } else if (c === '\n') {
        this.endRow(rows);
      } else if (c !== '\r') {
        this.field += c;
        this.fieldStarted = true;
      }
    }
    return rows;
  }

  end(): string[][] {
    if (this.inQuotes) throw new Error('The CSV ends inside a quoted field.');
    const rows: string[][] = [];
    if (this.fieldStarted || this.row.length > 0) this.endRow(rows);
    return rows;
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
    this.fieldStarted = false;
  }

  private endRow(rows: string[][]): void {
    this.endField();
    const blank = this.row.length === 1 && this.row[0] === '';
    if (!blank) rows.push(this.row);
    this.row = [];
  }
}

export interface FileRef {
  bucket: string;
  key: string;
}

/** Header names are matched loosely: " Order_ID" and "order_id" are the same column. */
export function normaliseHeader(header: string[]): string[] {
  return header.map((name) => name.trim().toLowerCase());
}

export function rowEntry(file: FileRef, eventBusName: string, header: string[], values: string[], row: number): PutEventsRequestEntry {
  const fields: Record<string, string> = {};
  header.forEach((name, i) => {
    if (name !== '') fields[name] = values[i] ?? '';
  });
  return {
    EventBusName: eventBusName,
    Source: EXTRACT_SOURCE,
    DetailType: ROW_EXTRACTED,
    Detail: JSON.stringify({ bucket: file.bucket, key: file.key, row, fields }),
  };
}

/** How long to wait so that `sent` events over `elapsedMs` stay at or under `perSecond`. */
export function paceDelay(sent: number, elapsedMs: number, perSecond: number): number {
  return Math.max(0, Math.ceil((sent * 1000) / perSecond - elapsedMs));
}

/** Sends one batch; returns the entries EventBridge refused (throttling, internal errors). */
export type SendBatch = (entries: PutEventsRequestEntry[]) => Promise<PutEventsRequestEntry[]>;

export interface ExtractDeps {
  chunks: AsyncIterable<string>;
  send: SendBatch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface ExtractConfig {
  file: FileRef;
  eventBusName: string;
  maxEventsPerSecond: number;
}

export interface ExtractSummary {
  rows: number;
  published: number;
  failed: number;
}

export async function extractFile(deps: ExtractDeps, config: ExtractConfig): Promise<ExtractSummary> {
  const reader = new CsvReader();
  const started = deps.now();
  const summary: ExtractSummary = { rows: 0, published: 0, failed: 0 };
  let header: string[] | undefined;
  let pending: PutEventsRequestEntry[] = [];

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    let left = batch;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && left.length > 0; attempt++) {
      if (attempt > 1) await deps.sleep(200 * 2 ** attempt);
      left = await deps.send(left);
    }
    summary.published += batch.length - left.length;
    summary.failed += left.length;
    // Wait after each batch rather than before, so the first rows go out at once.
    await deps.sleep(paceDelay(summary.published + summary.failed, deps.now() - started, config.maxEventsPerSecond));
  };

  const take = async (rows: string[][]) => {
    for (const values of rows) {
      if (!header) {
        header = normaliseHeader(values);
        continue;
      }
      summary.rows += 1;
      pending.push(rowEntry(config.file, config.eventBusName, header, values, summary.rows));
      if (pending.length === BATCH_SIZE) await flush();
    }
  };

  for await (const chunk of deps.chunks) await take(reader.push(chunk));
  await take(reader.end());
  await flush();
  return summary;
}

export function readConfig(env: NodeJS.ProcessEnv): ExtractConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set; the Extractor function passes it as a container override.`);
    return value;
  };
  const rate = Number(env.MAX_EVENTS_PER_SECOND ?? '20');
  if (!Number.isFinite(rate) || rate <= 0) throw new Error(`MAX_EVENTS_PER_SECOND must be a positive number, got ${env.MAX_EVENTS_PER_SECOND}`);
  return {
    file: { bucket: required('SOURCE_BUCKET'), key: required('SOURCE_KEY') },
    eventBusName: required('EVENT_BUS_NAME'),
    maxEventsPerSecond: rate,
  };
}

async function* decode(body: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const bytes of body) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * The task's exit code. Anything but a clean run exits non-zero, which ECS reports on the default bus and
 * the stack's ExtractFailedRule turns into a message in FailedExtracts: a crash part-way through the file,
 * rows EventBridge kept refusing, or a closing event that never got through.
 */
export async function exitCodeOf(run: () => Promise<{ failed: number }>, logError: (error: unknown) => void): Promise<number> {
  try {
    const { failed } = await run();
    return failed > 0 ? 1 : 0;
  } catch (error) {
    logError(error);
    return 1;
  }
}

async function main(): Promise<{ failed: number }> {
  const config = readConfig(process.env);
  const s3 = new S3Client({});
  const events = new EventBridgeClient({});
  const log = (message: string, extra: object) => console.log(JSON.stringify({ message, ...config.file, ...extra }));

  const object = await s3.send(new GetObjectCommand({ Bucket: config.file.bucket, Key: config.file.key }));
  if (!object.Body) throw new Error('S3 returned no body');
  log('extract started', { bytes: object.ContentLength });

  const send: SendBatch = async (entries) => {
    const result = await events.send(new PutEventsCommand({ Entries: entries }));
    return entries.filter((_, i) => result.Entries?.[i]?.ErrorCode !== undefined);
  };
  const summary = await extractFile(
    {
      chunks: decode(object.Body as AsyncIterable<Uint8Array>),
      send,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => Date.now(),
    },
    config,
  );

  // One closing event, so the observer can tell when a file is done and how it went.
  const closingRefused = await send([
    {
      EventBusName: config.eventBusName,
      Source: EXTRACT_SOURCE,
      DetailType: FILE_EXTRACTED,
      Detail: JSON.stringify({ ...config.file, ...summary }),
    },
  ]);
  log('extract finished', { ...summary, closingEventRefused: closingRefused.length > 0 });
  return { failed: summary.failed + closingRefused.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void exitCodeOf(main, (error) => console.error(JSON.stringify({ message: 'extract failed', error: String(error) }))).then((code) => {
    process.exitCode = code;
  });
}
