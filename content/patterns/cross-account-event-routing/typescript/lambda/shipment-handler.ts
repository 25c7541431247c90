import type { EventBridgeEvent } from 'aws-lambda';
import { DETAIL_TYPE, EVENT_SOURCE, InvalidShipment, parseShipment, type Shipment } from './shipped-order';

export type ShippedOrderEvent = EventBridgeEvent<string, unknown>;

/** The one line the consumer writes per shipment: enough to find the event again in either account. */
export type ShipmentReceived = Shipment & { message: 'shipment received'; producerAccount: string; eventId: string };

/**
 * Checks where an event came from and what it carries. The rule already filters on source,
 * detail-type and account; checking again here catches a rule someone widened by hand.
 */
export function receiveShipment(event: ShippedOrderEvent, producerAccount: string): ShipmentReceived {
  if (event.source !== EVENT_SOURCE || event['detail-type'] !== DETAIL_TYPE) {
    throw new InvalidShipment(`unexpected event ${event.source} / ${event['detail-type']}`);
  }
  if (event.account !== producerAccount) {
    throw new InvalidShipment(`event from account ${event.account}, expected only ${producerAccount}`);
  }
  return { message: 'shipment received', producerAccount: event.account, eventId: event.id, ...parseShipment(event.detail) };
}

export function createHandler(producerAccount: string | undefined, record: (line: ShipmentReceived) => void) {
  return async (event: ShippedOrderEvent): Promise<void> => {
    if (!producerAccount || !/^\d{12}$/.test(producerAccount)) throw new Error('PRODUCER_ACCOUNT must be a 12-digit account id');
    // A throw makes Lambda retry the event twice, then record it in FailedShipments.
    record(receiveShipment(event, producerAccount));
  };
}

export const handler = createHandler(process.env.PRODUCER_ACCOUNT, (line) => console.info(JSON.stringify(line)));
