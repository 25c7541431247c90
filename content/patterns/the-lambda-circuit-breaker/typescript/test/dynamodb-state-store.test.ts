import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { BreakerRecord } from '../lambda/circuit-breaker';
import { DynamoDbStateStore, fromItem, toItem } from '../lambda/dynamodb-state-store';

process.env.AWS_REGION ??= 'us-east-1';

const record: BreakerRecord = { state: 'HALF_OPEN', failureCount: 0, successCount: 1, openUntil: 5, trialUntil: 9, version: 4 };
const NOW = Date.parse('2026-11-22T10:00:00.000Z');

/** Records every command and answers with whatever the test queues up. */
function fakeClient(...answers: (object | Error)[]) {
  const sent: unknown[] = [];
  return {
    sent,
    client: {
      send: async (command: unknown) => {
        sent.push(command);
        const answer = answers.shift() ?? {};
        if (answer instanceof Error) throw answer;
        return answer;
      },
    } as never,
  };
}

describe('item mapping', () => {
  test('round-trips a record through a DynamoDB item', () => {
    const item = toItem('recommendations', record, NOW);
    assert.equal(item.circuitId?.S, 'recommendations');
    assert.equal(item.updatedAt?.S, '2026-11-22T10:00:00.000Z');
    assert.deepEqual(fromItem(item), record);
  });

  test('refuses an item with a state the breaker does not know', () => {
    assert.throws(() => fromItem({ state: { S: 'AJAR' } }), /Unknown circuit state/);
  });
});

describe('DynamoDbStateStore', () => {
  test('reads the circuit with a strongly consistent GetItem', async () => {
    const { client, sent } = fakeClient({ Item: toItem('recommendations', record, NOW) });
    const loaded = await new DynamoDbStateStore(client, 'State', 'recommendations').load();
    assert.deepEqual(loaded, record);
    const get = sent[0] as GetItemCommand;
    assert.ok(get instanceof GetItemCommand);
    assert.equal(get.input.ConsistentRead, true);
    assert.deepEqual(get.input.Key, { circuitId: { S: 'recommendations' } });
  });

  test('reports a circuit that was never written as absent', async () => {
    const { client } = fakeClient({});
    assert.equal(await new DynamoDbStateStore(client, 'State', 'x').load(), undefined);
  });

  test('creates the item only if it does not exist yet', async () => {
    const { client, sent } = fakeClient({});
    assert.equal(await new DynamoDbStateStore(client, 'State', 'x', () => NOW).save({ ...record, version: 1 }, 0), true);
    const put = sent[0] as PutItemCommand;
    assert.ok(put instanceof PutItemCommand);
    assert.equal(put.input.ConditionExpression, 'attribute_not_exists(circuitId)');
  });

  test('updates the item only if nobody changed it since it was read', async () => {
    const { client, sent } = fakeClient({});
    await new DynamoDbStateStore(client, 'State', 'x').save({ ...record, version: 5 }, 4);
    const put = sent[0] as PutItemCommand;
    assert.equal(put.input.ConditionExpression, 'version = :expected');
    assert.deepEqual(put.input.ExpressionAttributeValues, { ':expected': { N: '4' } });
    assert.equal(put.input.Item?.version?.N, '5');
  });

  test('answers false when another writer got there first', async () => {
    const { client } = fakeClient(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    assert.equal(await new DynamoDbStateStore(client, 'State', 'x').save(record, 3), false);
  });

  test('lets other errors through, so the breaker can fail open', async () => {
    const { client } = fakeClient(new Error('AccessDeniedException'));
    await assert.rejects(new DynamoDbStateStore(client, 'State', 'x').save(record, 3), /AccessDenied/);
  });
});
