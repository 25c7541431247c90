import type { EventBridgeEvent } from 'aws-lambda';
import { IN_STORE_CHANNEL, InvalidOrderEvent, type OrderPlaced, parseEnvelope, parseOrderPlaced } from './order-event';

export type Confirmation = { orderId: string; customerId: string; totalCents: number; currency: string };
/** Hands one confirmation to whatever sends customer e-mail; injected so tests can observe it. */
export type SendConfirmation = (confirmation: Confirmation) => Promise<void>;

/** Thrown when a replayed event reaches the notifier: the rule's pattern should have kept it out. */
export class ReplayedEventRefused extends Error {
  override name = 'ReplayedEventRefused';
}

/**
 * Sends one order confirmation per live OrderPlaced event. The rule already drops replays and
 * in-store orders; the handler checks both again and throws, so a wrong pattern shows up as an
 * Errors alarm and an entry in NotifierDlq, never as a second e-mail to a customer.
 */
export function createHandler(send: SendConfirmation) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
    const envelope = parseEnvelope(event);
    if (envelope['replay-name'] !== undefined) {
      throw new ReplayedEventRefused(`replayed event ${envelope.id} from replay ${envelope['replay-name']} reached the notifier`);
    }
    const order: OrderPlaced = parseOrderPlaced(envelope.detail);
    if (order.channel === IN_STORE_CHANNEL) throw new InvalidOrderEvent(`order ${order.orderId} is an in-store order`);
    await send({ orderId: order.orderId, customerId: order.customerId, totalCents: order.totalCents, currency: order.currency });
  };
}

/** Stands in for an e-mail service: one JSON log line per confirmation, which the page's Try it counts. */
export const logConfirmation: SendConfirmation = async (confirmation) => {
  console.log(JSON.stringify({ level: 'INFO', message: 'order confirmation sent', ...confirmation }));
};

export const handler = createHandler(logConfirmation);
