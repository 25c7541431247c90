import { type Fulfilment, MENU, type OrderLine, type Validation } from './order';

export const MAX_LINES = 10;
export const MAX_QUANTITY = 20;
/** Below this subtotal a courier trip costs more than the order earns. */
export const DELIVERY_MINIMUM_CENTS = 1500;

const ORDER_ID = /^[A-Za-z0-9-]{1,40}$/;

/**
 * Checks an order as the caller sent it. Never throws on bad input: a rejected order is a
 * normal business outcome, which the state machine's Choice turns into its Fail state.
 */
export function validateOrder(input: unknown): Validation {
  const reasons: string[] = [];
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;

  const orderId = typeof raw.orderId === 'string' && ORDER_ID.test(raw.orderId) ? raw.orderId : undefined;
  if (!orderId) reasons.push('orderId must be 1 to 40 letters, digits or dashes');

  const fulfilment = raw.fulfilment === 'delivery' || raw.fulfilment === 'pickup' ? (raw.fulfilment as Fulfilment) : undefined;
  if (!fulfilment) reasons.push('fulfilment must be "delivery" or "pickup"');

  const lines: OrderLine[] = [];
  let bakedItems = 0;
  if (!Array.isArray(raw.items) || raw.items.length === 0 || raw.items.length > MAX_LINES) {
    reasons.push(`items must list 1 to ${MAX_LINES} menu items`);
  } else {
    for (const [index, item] of raw.items.entries()) {
      const { sku, quantity } = (item ?? {}) as { sku?: unknown; quantity?: unknown };
      const menuItem = typeof sku === 'string' ? MENU[sku] : undefined;
      if (!menuItem) {
        reasons.push(`items[${index}]: ${JSON.stringify(sku)} is not on the menu`);
        continue;
      }
      if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > MAX_QUANTITY) {
        reasons.push(`items[${index}]: quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
        continue;
      }
      const count = quantity as number;
      lines.push({ sku: sku as string, name: menuItem.name, quantity: count, lineTotalCents: count * menuItem.priceCents });
      if (menuItem.baked) bakedItems += count;
    }
  }
  const subtotalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);

  let address: string | undefined;
  if (fulfilment === 'delivery') {
    address = typeof raw.address === 'string' ? raw.address.trim() : '';
    if (address === '' || address.length > 200) reasons.push('delivery needs an address of at most 200 characters');
    if (reasons.length === 0 && subtotalCents < DELIVERY_MINIMUM_CENTS) {
      reasons.push(`delivery needs a subtotal of at least ${DELIVERY_MINIMUM_CENTS} cents`);
    }
  }

  if (reasons.length > 0 || !orderId || !fulfilment) return { valid: false, ...(orderId ? { orderId } : {}), reasons };
  return { valid: true, order: { orderId, fulfilment, ...(address ? { address } : {}), lines, bakedItems, subtotalCents } };
}

export const handler = async (event: unknown): Promise<Validation> => {
  const result = validateOrder(event);
  console.log(JSON.stringify({ level: 'INFO', message: 'order checked', valid: result.valid, ...(result.valid ? {} : { reasons: result.reasons }) }));
  return result;
};
