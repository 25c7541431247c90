/**
 * Prices orders for the PricingJob state machine. The inline Map sends one order per call,
 * the Distributed Map a batch of orders per child execution; both get one result per order.
 *
 * An order that fails validation is a result (REJECTED), not an error: thrown errors are kept
 * for real failures, which the state machine retries and then records, and which alarm.
 */

/** One order as the Map's ItemSelector hands it over: its position in the job and the raw item. */
export interface OrderItem {
  index: number;
  order: unknown;
}

/** What the Distributed Map's ItemBatcher hands a child execution. */
export interface OrderBatch {
  BatchInput?: { manifestKey?: string };
  Items: OrderItem[];
}

export interface PricedOrder {
  index: number;
  orderId: string;
  status: 'PRICED';
  currency: string;
  lineCount: number;
  units: number;
  totalCents: number;
}

export interface RejectedOrder {
  index: number;
  orderId: string | null;
  status: 'REJECTED';
  /** At most MAX_REASONS problems, so hundreds of results still fit in one state's 256 KiB output. */
  reasons: string[];
  problemCount: number;
}

export type OrderResult = PricedOrder | RejectedOrder;

export const MAX_LINES = 100;
export const MAX_QUANTITY = 10_000;
/** One million in the order's currency; with MAX_LINES and MAX_QUANTITY a total stays a safe integer. */
export const MAX_UNIT_PRICE_CENTS = 100_000_000;
export const MAX_REASONS = 3;

const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CURRENCY = /^[A-Z]{3}$/;
const SKU = /^[A-Za-z0-9._-]{1,64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWholeNumberBetween(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Checks one order and prices it in whole cents, listing every problem instead of stopping at the first. */
export function priceOrder(item: OrderItem): OrderResult {
  const { index, order } = item;
  if (!isRecord(order)) {
    return rejected(index, null, ['the order must be a JSON object']);
  }
  const orderId = typeof order.orderId === 'string' && ORDER_ID.test(order.orderId) ? order.orderId : null;
  const problems: string[] = [];
  if (orderId === null) problems.push('orderId must be 1 to 64 letters, digits, - or _');
  if (typeof order.currency !== 'string' || !CURRENCY.test(order.currency)) {
    problems.push('currency must be a three-letter code such as EUR');
  }
  const lines = order.lines;
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_LINES) {
    problems.push(`lines must be a list of 1 to ${MAX_LINES} lines`);
  } else {
    lines.forEach((line, n) => {
      if (!isRecord(line)) {
        problems.push(`line ${n + 1} must be an object`);
        return;
      }
      if (typeof line.sku !== 'string' || !SKU.test(line.sku)) problems.push(`line ${n + 1}: sku is missing or malformed`);
      if (!isWholeNumberBetween(line.quantity, 1, MAX_QUANTITY)) {
        problems.push(`line ${n + 1}: quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
      }
      if (!isWholeNumberBetween(line.unitPriceCents, 0, MAX_UNIT_PRICE_CENTS)) {
        problems.push(`line ${n + 1}: unitPriceCents must be a whole number from 0 to ${MAX_UNIT_PRICE_CENTS}`);
      }
    });
  }
  if (problems.length > 0) return rejected(index, orderId, problems);

  const valid = lines as { quantity: number; unitPriceCents: number }[];
  return {
    index,
    orderId: orderId as string,
    status: 'PRICED',
    currency: order.currency as string,
    lineCount: valid.length,
    units: valid.reduce((sum, line) => sum + line.quantity, 0),
    // Integer cents throughout: no floating-point money.
    totalCents: valid.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
  };
}

function rejected(index: number, orderId: string | null, problems: string[]): RejectedOrder {
  return { index, orderId, status: 'REJECTED', reasons: problems.slice(0, MAX_REASONS), problemCount: problems.length };
}

function isBatch(event: unknown): event is OrderBatch {
  return isRecord(event) && Array.isArray(event.Items);
}

function isItem(event: unknown): event is OrderItem {
  return isRecord(event) && typeof event.index === 'number' && 'order' in event;
}

/**
 * One order from the inline Map, or a batch from a Distributed Map child. A batch answers with one
 * result per order, so one bad order never fails the other orders of its batch.
 */
export function priceOrders(event: unknown): OrderResult | OrderResult[] {
  if (isBatch(event)) return event.Items.map(priceOrder);
  if (isItem(event)) return priceOrder(event);
  // Neither shape: the state machine and the function disagree, which is a bug worth an alarm.
  throw new Error('Expected {"index", "order"} or {"Items": [...]} from the PricingJob state machine');
}

export const handler = async (event: unknown): Promise<OrderResult | OrderResult[]> => {
  const results = priceOrders(event);
  const all = Array.isArray(results) ? results : [results];
  console.log(
    JSON.stringify({
      level: 'INFO',
      message: 'orders priced',
      mode: Array.isArray(results) ? 'batch' : 'single',
      manifestKey: isBatch(event) ? event.BatchInput?.manifestKey : undefined,
      priced: all.filter((r) => r.status === 'PRICED').length,
      rejected: all.filter((r) => r.status === 'REJECTED').length,
    }),
  );
  return results;
};
