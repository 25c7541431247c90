import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { OrderEventEnvelope } from '../lambda/order-event';

/** The PutEvents entries the page's Try it sends, read from the same files. */
export function entries(file: 'orders.json' | 'missed-order.json'): PutEventsRequestEntry[] {
  return JSON.parse(readFileSync(path.join(__dirname, '..', 'events', file), 'utf8')) as PutEventsRequestEntry[];
}

/**
 * An entry as a rule's target receives it: the envelope EventBridge wraps around it. A replayed
 * copy also carries `replay-name`; whether its `id` matches the original's is not something the
 * consumers rely on, so tests give replays a fresh id unless told otherwise.
 */
export function delivered(entry: PutEventsRequestEntry, options: { id?: string; replayName?: string } = {}): OrderEventEnvelope {
  const event: OrderEventEnvelope = {
    version: '0',
    id: options.id ?? randomUUID(),
    'detail-type': String(entry.DetailType),
    source: String(entry.Source),
    account: '111122223333',
    time: '2026-12-05T09:15:02Z',
    region: 'us-east-1',
    resources: [],
    detail: JSON.parse(String(entry.Detail)),
  };
  if (options.replayName !== undefined) event['replay-name'] = options.replayName;
  return event;
}

/** An order event with one detail field changed, for cases the Try it files do not cover. */
export function withDetail(event: OrderEventEnvelope, changes: Record<string, unknown>): OrderEventEnvelope {
  return { ...event, detail: { ...(event.detail as object), ...changes } };
}
