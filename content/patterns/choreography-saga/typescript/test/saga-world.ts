import type { Template } from 'aws-cdk-lib/assertions';
import { ORDER_STATES, PAYMENT_STATES, type SagaEvent, SOURCES, STOCK_STATES } from '../lambda/contract';
import { createInventoryHandler } from '../lambda/inventory';
import { createOrdersHandler } from '../lambda/orders';
import { createPaymentsHandler } from '../lambda/payments';
import { eventBridgePublisher } from '../lambda/publisher';
import type { Outcome } from '../lambda/saga-step';
import { dynamoSagaTable } from '../lambda/saga-table';
import { matches } from './event-pattern';
import { FakeDynamo, FakeEventBridge, quietly } from './fakes';

export const SERVICES = ['orders', 'payments', 'inventory'] as const;
export type Service = (typeof SERVICES)[number];

export interface Delivery {
  rule: string;
  service: Service;
  event: SagaEvent;
  outcome: Outcome;
}

type Resource = { Type: string; Properties: Record<string, any> };

/** The stack's rules as deployed: pattern and the logical ids of their targets. */
export function rulesOf(template: Template) {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule')
    .map(([id, r]) => ({
      id,
      pattern: r.Properties.EventPattern as Record<string, unknown>,
      targets: (r.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[]).map((t) => t.Arn['Fn::GetAtt'][0]),
    }));
}

/** Which service a function's logical id belongs to (OrdersServiceAB12CD34 is orders). */
export function serviceOf(functionId: string): Service {
  const name = /^(Orders|Payments|Inventory)Service[0-9A-F]{8}$/.exec(functionId)?.[1];
  if (!name) throw new Error(`${functionId} is not one of the saga's service functions`);
  return name.toLowerCase() as Service;
}

/**
 * The three services with the real handler code, each over its own fake table and publishing to a
 * fake bus, wired together only by the synthesized template's rules: every published event goes to
 * the functions whose rule pattern matches it, as EventBridge would deliver it.
 */
export function sagaWorld(template: Template, options: { duplicate?: boolean } = {}) {
  const now = () => new Date('2026-12-05T09:00:00.000Z');
  const tables = { orders: new FakeDynamo(), payments: new FakeDynamo(), inventory: new FakeDynamo() };
  const buses = { orders: new FakeEventBridge(), payments: new FakeEventBridge(), inventory: new FakeEventBridge() };
  const handlers = {
    orders: createOrdersHandler({
      table: dynamoSagaTable(tables.orders.asClient(), 'OrdersTable', ORDER_STATES),
      publish: eventBridgePublisher(buses.orders.asClient(), 'ShopEvents', SOURCES.orders),
      now,
    }),
    payments: createPaymentsHandler({
      table: dynamoSagaTable(tables.payments.asClient(), 'PaymentsTable', PAYMENT_STATES),
      publish: eventBridgePublisher(buses.payments.asClient(), 'ShopEvents', SOURCES.payments),
      now,
    }),
    inventory: createInventoryHandler({
      table: dynamoSagaTable(tables.inventory.asClient(), 'InventoryTable', STOCK_STATES),
      publish: eventBridgePublisher(buses.inventory.asClient(), 'ShopEvents', SOURCES.inventory),
      now,
    }),
  };
  const rules = rulesOf(template);
  const deliveries: Delivery[] = [];
  const published: SagaEvent[] = [];
  const cursors = { orders: 0, payments: 0, inventory: 0 };

  /** Puts one event on the bus and delivers it, and everything it causes, until the saga goes quiet. */
  async function put(event: SagaEvent): Promise<void> {
    const queue: SagaEvent[] = [event];
    while (queue.length > 0) {
      const next = queue.shift() as SagaEvent;
      for (const rule of rules.filter((r) => matches(r.pattern, next as unknown as Record<string, unknown>))) {
        for (const target of rule.targets) {
          const service = serviceOf(target);
          // At-least-once delivery, at its worst: every event reaches its target twice.
          for (let copy = 0; copy < (options.duplicate ? 2 : 1); copy += 1) {
            const outcome = await quietly(() => handlers[service](next));
            deliveries.push({ rule: rule.id, service, event: next, outcome });
          }
        }
      }
      for (const service of SERVICES) {
        const fresh = buses[service].events().slice(cursors[service]);
        cursors[service] += fresh.length;
        published.push(...fresh);
        queue.push(...fresh);
      }
    }
  }

  /** Every table's status for an order: the saga's state, read the way the page reads it. */
  const statusOf = (orderId: string) => ({
    order: tables.orders.get(orderId)?.status,
    payment: tables.payments.get(orderId)?.status,
    stock: tables.inventory.get(orderId)?.status,
  });

  return { put, tables, buses, handlers, deliveries, published, statusOf };
}

export function submitted(order: { orderId: string; amountCents: number; sku: string; quantity: number }): SagaEvent {
  return { source: SOURCES.checkout, 'detail-type': 'OrderSubmitted', detail: order };
}
