/**
 * The catalog's shape, shared by both handlers and the stack: one table, keyed by product id,
 * with the product itself under sort key PRODUCT and each review under REVIEW#<time>#<id>.
 */
export const PRODUCT_SK = 'PRODUCT';
export const REVIEW_PREFIX = 'REVIEW#';

/** Prices are stored per currency in minor units, so a converted price is never computed on the fly. */
export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];
export const DEFAULT_CURRENCY: Currency = 'USD';

/** Product ids are short slugs; anything else is refused before it reaches the table or the cache. */
export const PRODUCT_ID_PATTERN = '^[a-z0-9-]{1,64}$';

export const MAX_COMMENT_LENGTH = 500;
/** How many of the newest reviews the reviews list returns. */
export const REVIEWS_PAGE_SIZE = 20;

export function isProductId(value: string | undefined): value is string {
  return value !== undefined && new RegExp(PRODUCT_ID_PATTERN).test(value);
}

export type JsonResult = { statusCode: number; headers: Record<string, string>; body: string };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): JsonResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
