import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import {
  type Order,
  type ROW_EXTRACTED,
  ROW_REJECTED,
  ROW_TRANSFORMED,
  type RowExtractedDetail,
  type RowRejectedDetail,
  type RowTransformedDetail,
  TRANSFORM_SOURCE,
} from './pipeline-events';

export type TransformResult = { ok: true; order: Order } | { ok: false; errors: string[] };

/** The one EventBridge call the handler makes, so tests can stand in for the client. */
export type Publish = (entry: PutEventsRequestEntry) => Promise<void>;

/** "12", "12.5" and "12.50" are all 1250 cents; integer maths avoids floating-point drift. */
export function parseAmountCents(raw: string | undefined): number | undefined {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec((raw ?? '').trim());
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  // Rejects dates that JavaScript would roll over, such as 2026-02-30.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Validates one CSV row and turns it into a typed order, or lists everything wrong with it. */
export function transformRow(fields: Record<string, string>): TransformResult {
  const errors: string[] = [];
  const orderId = (fields.order_id ?? '').trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(orderId)) errors.push('order_id must be 1 to 64 letters, digits, "-" or "_"');
  const customer = (fields.customer ?? '').trim().replace(/\s+/g, ' ');
  if (customer.length === 0 || customer.length > 200) errors.push('customer must be 1 to 200 characters');
  const amountCents = parseAmountCents(fields.amount);
  if (amountCents === undefined) errors.push('amount must be a non-negative number with at most two decimals');
  const currency = (fields.currency ?? '').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.push('currency must be a three-letter code such as EUR');
  const orderDate = (fields.order_date ?? '').trim();
  if (!isIsoDate(orderDate)) errors.push('order_date must be a real date written YYYY-MM-DD');

  if (errors.length > 0 || amountCents === undefined) return { ok: false, errors };
  return { ok: true, order: { orderId, customer, amountCents, currency, orderDate } };
}

export function eventBridgePublish(client: EventBridgeClient): Publish {
  return async (entry) => {
    const result = await client.send(new PutEventsCommand({ Entries: [entry] }));
    // PutEvents reports per-entry failures in a 200 response; throwing lets Lambda retry the row.
    if ((result.FailedEntryCount ?? 0) > 0) {
      throw new Error(`PutEvents refused the entry: ${result.Entries?.[0]?.ErrorCode} ${result.Entries?.[0]?.ErrorMessage}`);
    }
  };
}

export function createHandler(publish: Publish, eventBusName: string) {
  return async (event: EventBridgeEvent<typeof ROW_EXTRACTED, RowExtractedDetail>): Promise<void> => {
    const { bucket, key, row, fields } = event.detail;
    const result = transformRow(fields ?? {});
    const detail: RowTransformedDetail | RowRejectedDetail = result.ok
      ? { bucket, key, row, order: result.order }
      : { bucket, key, row, errors: result.errors };
    await publish({
      EventBusName: eventBusName,
      Source: TRANSFORM_SOURCE,
      DetailType: result.ok ? ROW_TRANSFORMED : ROW_REJECTED,
      Detail: JSON.stringify(detail),
    });
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createHandler(eventBridgePublish(new EventBridgeClient({})), process.env.EVENT_BUS_NAME ?? '');
