import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ShipmentReceived, type ShippedOrderEvent, createHandler, receiveShipment } from '../lambda/shipment-handler';
import { InvalidShipment, parseShipment } from '../lambda/shipped-order';
import { sampleEvent } from './event-pattern';

const PRODUCER = '111111111111';
const event = (overrides: Record<string, unknown> = {}) => sampleEvent(overrides) as unknown as ShippedOrderEvent;

describe('shipment handler', () => {
  test('records a valid shipment with the producer account and event id', async () => {
    const lines: ShipmentReceived[] = [];
    await createHandler(PRODUCER, (line) => lines.push(line))(event());
    assert.deepEqual(lines, [
      {
        message: 'shipment received',
        producerAccount: PRODUCER,
        eventId: '6f1c2b9e-8d4a-4f0b-9a51-1d2e3f4a5b6c',
        orderId: 'ORD-1001',
        carrier: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        shippedAt: '2026-12-05T10:14:58Z',
      },
    ]);
  });

  test('refuses an event from any account but the producer', () => {
    assert.throws(() => receiveShipment(event({ account: '222222222222' }), PRODUCER), InvalidShipment);
    assert.throws(() => receiveShipment(event({ account: '999999999999' }), PRODUCER), /expected only 111111111111/);
  });

  test('refuses an event that is not an OrderShipped from com.example.orders', () => {
    assert.throws(() => receiveShipment(event({ 'detail-type': 'OrderCreated' }), PRODUCER), InvalidShipment);
    assert.throws(() => receiveShipment(event({ source: 'com.example.billing' }), PRODUCER), InvalidShipment);
  });

  test('refuses a shipment with a missing or malformed field', () => {
    const valid = sampleEvent().detail as Record<string, unknown>;
    const broken: Record<string, unknown>[] = [
      { ...valid, orderId: undefined },
      { ...valid, orderId: 'ORD 1001' },
      { ...valid, carrier: '   ' },
      { ...valid, carrier: 'C'.repeat(41) },
      { ...valid, trackingNumber: '1Z-99' },
      { ...valid, trackingNumber: 12345678 },
      { ...valid, shippedAt: '05/12/2026' },
      { ...valid, shippedAt: '2026-13-45T99:00:00Z' },
      { ...valid, shippedAt: '2026-02-30T10:00:00Z' },
    ];
    for (const detail of broken) assert.throws(() => parseShipment(detail), InvalidShipment, JSON.stringify(detail));
    assert.throws(() => parseShipment(null), InvalidShipment);
    assert.throws(() => parseShipment([valid]), InvalidShipment);
  });

  test('ignores fields it does not know, so the producer can add one first', () => {
    const detail = { ...(sampleEvent().detail as object), giftWrapped: true };
    assert.equal(parseShipment(detail).orderId, 'ORD-1001');
  });

  test('throws, so Lambda retries, when a shipment is invalid or the producer account is not configured', async () => {
    const lines: ShipmentReceived[] = [];
    await assert.rejects(createHandler(PRODUCER, (line) => lines.push(line))(event({ detail: {} })), InvalidShipment);
    await assert.rejects(createHandler(undefined, (line) => lines.push(line))(event()), /PRODUCER_ACCOUNT/);
    assert.deepEqual(lines, []);
  });
});
