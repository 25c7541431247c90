/**
 * The contract between the two accounts: which events cross, and what an OrderShipped detail holds.
 * Both stacks and the consumer's handler read it from here, so a rename cannot leave one side behind.
 */
export const EVENT_SOURCE = 'com.example.orders';
export const DETAIL_TYPE = 'OrderShipped';

export type Shipment = {
  orderId: string;
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
};

export class InvalidShipment extends Error {
  override name = 'InvalidShipment';
}

const ORDER_ID = /^[A-Za-z0-9-]{1,64}$/;
const TRACKING_NUMBER = /^[A-Za-z0-9]{6,40}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const MAX_CARRIER_LENGTH = 40;

/** A real calendar date and time: Date.parse alone would roll 30 February over into March. */
function isTimestamp(value: string): boolean {
  if (!TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function field(detail: Record<string, unknown>, name: keyof Shipment): string {
  const value = detail[name];
  if (typeof value !== 'string') throw new InvalidShipment(`${name} must be a string`);
  return value;
}

/**
 * Checks an OrderShipped detail field by field. Fields it does not know are ignored rather than
 * refused, so the producer can add one without breaking this consumer first.
 */
export function parseShipment(detail: unknown): Shipment {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new InvalidShipment('detail must be an object');
  const d = detail as Record<string, unknown>;
  const orderId = field(d, 'orderId');
  if (!ORDER_ID.test(orderId)) throw new InvalidShipment('orderId must be 1-64 letters, digits or dashes');
  const carrier = field(d, 'carrier').trim();
  if (carrier === '' || carrier.length > MAX_CARRIER_LENGTH) throw new InvalidShipment(`carrier must be 1-${MAX_CARRIER_LENGTH} characters`);
  const trackingNumber = field(d, 'trackingNumber');
  if (!TRACKING_NUMBER.test(trackingNumber)) throw new InvalidShipment('trackingNumber must be 6-40 letters or digits');
  const shippedAt = field(d, 'shippedAt');
  if (!isTimestamp(shippedAt)) throw new InvalidShipment('shippedAt must be an ISO 8601 timestamp');
  return { orderId, carrier, trackingNumber, shippedAt };
}
