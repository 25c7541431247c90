import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DetailType } from './contract';

/** Puts one event on the saga bus under the service's own source. */
export type Publish = (detailType: DetailType, detail: Record<string, unknown>) => Promise<void>;

export function eventBridgePublisher(client: EventBridgeClient, eventBusName: string, source: string): Publish {
  return async (detailType, detail) => {
    const result = await client.send(
      new PutEventsCommand({ Entries: [{ EventBusName: eventBusName, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }] }),
    );
    // PutEvents answers 200 even when it refuses an entry. Throwing makes Lambda retry the whole
    // invocation, and the retry finds the state already written and publishes from it again.
    if ((result.FailedEntryCount ?? 0) > 0) {
      const [entry] = result.Entries ?? [];
      throw new Error(`PutEvents refused ${detailType}: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
    }
  };
}
