import { type AttributeValue, ConditionalCheckFailedException, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { BreakerRecord, CircuitState, StateStore } from './circuit-breaker';

const STATES: readonly CircuitState[] = ['CLOSED', 'OPEN', 'HALF_OPEN'];

export function toItem(circuitId: string, record: BreakerRecord, now: number): Record<string, AttributeValue> {
  return {
    circuitId: { S: circuitId },
    state: { S: record.state },
    failureCount: { N: String(record.failureCount) },
    successCount: { N: String(record.successCount) },
    openUntil: { N: String(record.openUntil) },
    trialUntil: { N: String(record.trialUntil) },
    version: { N: String(record.version) },
    // For people reading the table; the breaker never looks at it.
    updatedAt: { S: new Date(now).toISOString() },
  };
}

export function fromItem(item: Record<string, AttributeValue>): BreakerRecord {
  const state = item.state?.S as CircuitState;
  if (!STATES.includes(state)) throw new Error(`Unknown circuit state ${String(item.state?.S)}`);
  const num = (name: string) => Number(item[name]?.N ?? '0');
  return {
    state,
    failureCount: num('failureCount'),
    successCount: num('successCount'),
    openUntil: num('openUntil'),
    trialUntil: num('trialUntil'),
    version: num('version'),
  };
}

/**
 * One item per circuit. Reads are strongly consistent and writes are conditional on the version
 * read, so two execution environments can never both believe their transition won.
 */
export class DynamoDbStateStore implements StateStore {
  constructor(
    private readonly client: Pick<DynamoDBClient, 'send'>,
    private readonly tableName: string,
    private readonly circuitId: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async load(): Promise<BreakerRecord | undefined> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { circuitId: { S: this.circuitId } }, ConsistentRead: true }),
    );
    return result.Item ? fromItem(result.Item) : undefined;
  }

  async save(next: BreakerRecord, expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(this.circuitId, next, this.clock()),
          // Version 0 means "never written"; the first write must create the item.
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(circuitId)' : 'version = :expected',
          ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':expected': { N: String(expectedVersion) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
