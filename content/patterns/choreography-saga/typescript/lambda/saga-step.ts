import { type DetailType, UnknownOrder } from './contract';
import type { Publish } from './publisher';
import type { Item, SagaTable } from './saga-table';

/** What a service does about one event, returned for tests and logged for operators. */
export interface Outcome {
  service: string;
  orderId: string;
  event: DetailType;
  /** advanced: this delivery changed the state; republished: a redelivery, the stored state is announced again; ignored: the saga has moved on. */
  action: 'advanced' | 'republished' | 'ignored';
  status: string;
  published?: DetailType;
}

/** The event a service publishes about its item in a given state. */
export type Announce = (item: Item) => [DetailType, Record<string, unknown>];

export interface StepDeps {
  table: SagaTable;
  publish: Publish;
  now?: () => Date;
}

/**
 * One service's reactions. Every one of them writes first and publishes second: if the publish
 * fails the handler throws, Lambda retries, and the retry finds the state written and publishes
 * from it. Every published event can therefore arrive more than once, which is why each write is
 * conditional and each reaction below is safe to repeat.
 */
export function sagaStep(service: string, deps: StepDeps, announce: Announce) {
  // One JSON line per event; an ignored event is logged as a warning, since it means the saga moved on without it.
  const log = (outcome: Outcome) => {
    const line = JSON.stringify({ message: `event ${outcome.action}`, ...outcome });
    if (outcome.action === 'ignored') console.warn(line);
    else console.log(line);
  };

  async function publishFrom(item: Item, event: DetailType, action: Outcome['action']): Promise<Outcome> {
    const [detailType, detail] = announce(item);
    await deps.publish(detailType, detail);
    const outcome: Outcome = { service, orderId: item.orderId, event, action, status: item.status, published: detailType };
    log(outcome);
    return outcome;
  }

  /**
   * A redelivery, or an event that arrives after the saga moved on. If the item is still in a state
   * this very event produces, the earlier attempt may have stopped before publishing, so publish
   * again; otherwise a later event already moved it, so the earlier publish evidently went out.
   */
  async function alreadyThere(existing: Item, event: DetailType, producedBy: readonly string[]): Promise<Outcome> {
    if (producedBy.includes(existing.status)) return publishFrom(existing, event, 'republished');
    const outcome: Outcome = { service, orderId: existing.orderId, event, action: 'ignored', status: existing.status };
    log(outcome);
    return outcome;
  }

  return {
    now: () => (deps.now ?? (() => new Date()))().toISOString(),

    /** The service's first write for an order: create the item in `item.status`, then announce it. */
    async start(event: DetailType, item: Item, producedBy: readonly string[]): Promise<Outcome> {
      const result = await deps.table.create(item);
      if (result.written) return publishFrom(item, event, 'advanced');
      return alreadyThere(result.existing, event, producedBy);
    },

    /** A later step or a compensation: move the item from `from` to `to`, then announce it. */
    async advance(event: DetailType, orderId: string, from: string, to: string, changes: Record<string, string | number>): Promise<Outcome> {
      const result = await deps.table.move(orderId, from, to, changes);
      if (result.moved) return publishFrom(result.item, event, 'advanced');
      if (!result.existing) throw new UnknownOrder(`${service} has no record of order ${orderId} (event ${event})`);
      return alreadyThere(result.existing, event, [to]);
    },
  };
}
