/** Shapes shared by the three order functions and the state machine that wires them. */

export type Fulfilment = 'delivery' | 'pickup';

export interface MenuItem {
  name: string;
  priceCents: number;
  /** Only pizzas take oven time; drinks and desserts come off a shelf. */
  baked: boolean;
}

export const MENU: Readonly<Record<string, MenuItem>> = {
  margherita: { name: 'Margherita', priceCents: 900, baked: true },
  marinara: { name: 'Marinara', priceCents: 800, baked: true },
  diavola: { name: 'Diavola', priceCents: 1100, baked: true },
  'quattro-formaggi': { name: 'Quattro formaggi', priceCents: 1200, baked: true },
  tiramisu: { name: 'Tiramisu', priceCents: 550, baked: false },
  lemonade: { name: 'Lemonade', priceCents: 350, baked: false },
};

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  lineTotalCents: number;
}

/** An order that passed validation: prices come from the menu, never from the caller. */
export interface ValidOrder {
  orderId: string;
  fulfilment: Fulfilment;
  address?: string;
  lines: OrderLine[];
  bakedItems: number;
  subtotalCents: number;
}

export type Validation = { valid: true; order: ValidOrder } | { valid: false; orderId?: string; reasons: string[] };

export interface AcceptedOrder {
  orderId: string;
  status: 'ACCEPTED';
  fulfilment: Fulfilment;
  totalCents: number;
  readyAt: string;
}

/** Ten minutes to get going, then two more per pizza in the queue. */
export function kitchenMinutes(bakedItems: number): number {
  return 10 + 2 * bakedItems;
}

export function minutesFrom(now: Date, minutes: number): string {
  return new Date(now.getTime() + minutes * 60_000).toISOString();
}
