/** Test data: order histories, the stream records Lambda would deliver for them, and drivers for both paths. */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { OrderEvent } from '../lambda/orders';
import { dynamoEventLog, dynamoViews } from '../lambda/projection';
import { createProjector } from '../lambda/projector';
import { createRebuild, type RebuildRequest } from '../lambda/rebuild';
import { FakeDynamo } from './fake-dynamodb';

export const EVENTS = 'events-table';
export const VIEW = 'view-table';

/** A small seeded generator (mulberry32), so a failing shuffle can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 9, minute)).toISOString();

export function event(aggregateId: string, version: number, type: string, data: Record<string, unknown> = {}, minute = version): Record<string, unknown> {
  return { aggregateId, version, type, occurredAt: at(minute), data };
}

/** Random but valid histories: every order is placed, then gets items, payments, shipments or a cancel. */
export function histories(seed: number, orders: number): Record<string, unknown>[] {
  const next = random(seed);
  const all: Record<string, unknown>[] = [];
  for (let o = 1; o <= orders; o++) {
    const orderId = `o-${seed}-${o}`;
    all.push(event(orderId, 1, 'OrderPlaced', { customerId: `c-${o % 3}` }));
    const length = 1 + Math.floor(next() * 8);
    for (let version = 2; version <= length; version++) {
      const roll = next();
      const sku = `sku-${Math.floor(next() * 4)}`;
      if (roll < 0.45) all.push(event(orderId, version, 'ItemAdded', { sku, quantity: 1 + Math.floor(next() * 3), unitPriceCents: 100 * (1 + Math.floor(next() * 20)) }));
      else if (roll < 0.6) all.push(event(orderId, version, 'ItemRemoved', { sku }));
      else if (roll < 0.75) all.push(event(orderId, version, 'OrderPaid'));
      else if (roll < 0.9) all.push(event(orderId, version, 'OrderShipped', { trackingNumber: `T${version}` }));
      else all.push(event(orderId, version, 'OrderCancelled', { reason: 'changed mind' }));
    }
  }
  return all;
}

export const typed = (items: Record<string, unknown>[]) => items as unknown as OrderEvent[];

/** A fake account holding the event table (with the given events appended) and an empty view table. */
export function account(events: Record<string, unknown>[] = []): FakeDynamo {
  const fake = new FakeDynamo()
    .createTable(EVENTS, { hash: 'aggregateId', range: 'version' })
    .createTable(VIEW, { hash: 'orderId' }, { ByCustomerStatus: { hash: 'customerId', range: 'statusAt' } });
  const table = fake.tables.get(EVENTS)!;
  for (const item of events) table.items.set(JSON.stringify([item.aggregateId, item.version]), marshall(item));
  return fake;
}

/** The INSERT record the events table's stream carries for one stored event. */
export function insertRecord(item: Record<string, unknown>, sequence: number): DynamoDBRecord {
  return {
    eventName: 'INSERT',
    dynamodb: {
      Keys: marshall({ aggregateId: item.aggregateId, version: item.version }) as never,
      NewImage: marshall(item) as never,
      SequenceNumber: String(sequence).padStart(21, '0'),
      StreamViewType: 'NEW_IMAGE',
    },
  } as DynamoDBRecord;
}

export const batch = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

export const silent = () => {};

export function projectorFor(fake: FakeDynamo, log: (line: Record<string, unknown>) => void = silent) {
  return createProjector(dynamoViews(fake, VIEW), dynamoEventLog(fake, EVENTS), log);
}

export function rebuildFor(fake: FakeDynamo) {
  return createRebuild(dynamoViews(fake, VIEW), dynamoEventLog(fake, EVENTS));
}

/**
 * Delivers records the way a Lambda stream mapping may: in batches, redelivering from the reported
 * record when a batch comes back with a failure. Returns how many batches reported a failure.
 */
export async function deliver(fake: FakeDynamo, records: DynamoDBRecord[], next: () => number): Promise<number> {
  const projector = projectorFor(fake);
  let failures = 0;
  let rest = records;
  while (rest.length) {
    let chunk = rest.slice(0, 1 + Math.floor(next() * 10));
    rest = rest.slice(chunk.length);
    for (let attempt = 0; chunk.length && attempt < 6; attempt++) {
      const { batchItemFailures } = await projector(batch(chunk));
      if (!batchItemFailures.length) break;
      failures += 1;
      chunk = chunk.slice(chunk.findIndex((r) => r.dynamodb?.SequenceNumber === batchItemFailures[0]!.itemIdentifier));
    }
  }
  return failures;
}

/** Runs every segment of a rebuild to the end, one page per invocation, the way an operator resumes it. */
export async function rebuildAll(fake: FakeDynamo, totalSegments: number): Promise<{ invocations: number; failed: unknown[] }> {
  const rebuild = rebuildFor(fake);
  let invocations = 0;
  const failed: unknown[] = [];
  for (let segment = 0; segment < totalSegments; segment++) {
    let request: RebuildRequest | null = { segment, totalSegments };
    while (request) {
      // Pretend the clock is always nearly out, so each invocation handles one page and hands back a cursor.
      const report = await rebuild(JSON.parse(JSON.stringify(request)), () => 1_000);
      invocations += 1;
      failed.push(...report.failed);
      request = report.next;
    }
  }
  return { invocations, failed };
}
