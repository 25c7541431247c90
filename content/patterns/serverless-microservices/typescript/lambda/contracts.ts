/**
 * The event contract between the two services: the only thing they share. Each service owns
 * its source name and publishes only under it; the other side matches on source + detail-type.
 */
export const ORDERS_SOURCE = 'shop.orders';
export const INVENTORY_SOURCE = 'shop.inventory';

export const ORDER_PLACED = 'OrderPlaced';
export const STOCK_RESERVED = 'StockReserved';
export const STOCK_UNAVAILABLE = 'StockUnavailable';

export type OrderLine = { sku: string; quantity: number };
export type OrderPlacedDetail = { orderId: string; lines: OrderLine[]; placedAt: string };
export type StockOutcomeDetail = { orderId: string; outcome: 'RESERVED' | 'UNAVAILABLE'; decidedAt: string };

export const SKU_PATTERN = '^[A-Z0-9-]{1,32}$';
export const MAX_LINES = 10;
export const MAX_QUANTITY = 100;

export function isSku(value: unknown): value is string {
  return typeof value === 'string' && new RegExp(SKU_PATTERN).test(value);
}

export type JsonResult = { statusCode: number; headers: Record<string, string>; body: string };
export function json(statusCode: number, body: unknown): JsonResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
