import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TransactionCanceledException, type TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { type Beat, createHandler, dynamoWriter, InvalidInput, parseInput, toBeat, transaction } from '../lambda/heartbeat';

process.env.AWS_REGION ??= 'us-east-1';

const input = {
  scheduledTime: '2026-11-22T10:05:00Z',
  executionId: 'exec-1',
  attemptNumber: '1',
  scheduleArn: 'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/EveryFiveMinutes',
};
const context = { awsRequestId: 'req-1' };

function cancelled(code: string) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: code }, { Code: 'None' }],
  });
}

describe('parseInput', () => {
  test('normalises the scheduled time and turns the attempt number into a number', () => {
    assert.deepEqual(parseInput(input), { ...input, scheduledTime: '2026-11-22T10:05:00.000Z', attemptNumber: 1 });
  });

  test('rejects a missing or unparsable scheduled time and a bad attempt number', () => {
    assert.throws(() => parseInput({}), InvalidInput);
    assert.throws(() => parseInput({ scheduledTime: 'yesterday' }), InvalidInput);
    assert.throws(() => parseInput({ ...input, attemptNumber: '0' }), InvalidInput);
    assert.throws(() => parseInput(null), InvalidInput);
  });
});

describe('toBeat', () => {
  test('records the lag behind the scheduled time and expires the item seven days after it', () => {
    const beat = toBeat(parseInput(input), new Date('2026-11-22T10:06:30.250Z'), 'req-1');
    assert.equal(beat.lagMs, 90_250);
    assert.equal(beat.expiresAt, Date.parse('2026-11-29T10:05:00Z') / 1000);
    assert.equal(beat.startedAt, '2026-11-22T10:06:30.250Z');
  });

  test('never reports a negative lag when invoked before the scheduled time by hand', () => {
    assert.equal(toBeat(parseInput(input), new Date('2026-11-22T10:00:00Z'), 'r').lagMs, 0);
  });
});

describe('transaction', () => {
  test('writes the heartbeat only if absent and counts the run in the summary item', () => {
    const beat = toBeat(parseInput(input), new Date('2026-11-22T10:05:30Z'), 'req-1');
    const [put, update] = transaction('tbl', beat).input.TransactItems ?? [];
    assert.equal(put.Put?.ConditionExpression, 'attribute_not_exists(pk)');
    assert.deepEqual(put.Put?.Item?.pk, { S: 'heartbeat' });
    assert.deepEqual(put.Put?.Item?.sk, { S: '2026-11-22T10:05:00.000Z' });
    assert.deepEqual(put.Put?.Item?.expiresAt, { N: String(beat.expiresAt) });
    assert.deepEqual(update.Update?.Key, { pk: { S: 'summary' }, sk: { S: 'latest' } });
    assert.match(update.Update?.UpdateExpression ?? '', /^ADD runs :one SET /);
    // The summary is the one item TTL must never remove.
    assert.doesNotMatch(JSON.stringify(update.Update), /expiresAt/);
    assert.equal(update.Update?.TableName, 'tbl');
  });
});

describe('dynamoWriter', () => {
  const beat = toBeat(parseInput(input), new Date('2026-11-22T10:05:30Z'), 'req-1');

  test('sends one TransactWriteItems call and reports it written', async () => {
    const sent: TransactWriteItemsCommand[] = [];
    const write = dynamoWriter({ send: async (command: TransactWriteItemsCommand) => sent.push(command) } as never, 'tbl');
    assert.equal(await write(beat), 'written');
    assert.equal(sent.length, 1);
  });

  test('treats a failed condition on the heartbeat as a repeated delivery, not an error', async () => {
    const write = dynamoWriter({ send: async () => Promise.reject(cancelled('ConditionalCheckFailed')) } as never, 'tbl');
    assert.equal(await write(beat), 'duplicate');
  });

  test('lets every other failure through so the run is retried', async () => {
    const write = dynamoWriter({ send: async () => Promise.reject(cancelled('ThrottlingError')) } as never, 'tbl');
    await assert.rejects(write(beat), TransactionCanceledException);
  });
});

describe('handler', () => {
  function quietly<T>(fn: () => Promise<T>): Promise<T> {
    const original = console.log;
    console.log = () => {};
    return fn().finally(() => {
      console.log = original;
    });
  }

  test('writes one beat per run with the request id and reports the outcome', async () => {
    const beats: Beat[] = [];
    const handler = createHandler(
      async (beat) => {
        beats.push(beat);
        return beats.length === 1 ? 'written' : 'duplicate';
      },
      () => new Date('2026-11-22T10:05:40Z'),
    );
    assert.deepEqual(await quietly(() => handler(input, context)), {
      result: 'written',
      scheduledTime: '2026-11-22T10:05:00.000Z',
      lagMs: 40_000,
    });
    assert.equal((await quietly(() => handler(input, context))).result, 'duplicate');
    assert.equal(beats[0].requestId, 'req-1');
    assert.equal(beats[0].executionId, 'exec-1');
  });

  test('throws on bad input without touching the table', async () => {
    let calls = 0;
    const handler = createHandler(async () => {
      calls++;
      return 'written';
    });
    await assert.rejects(handler({ hello: 'world' }, context), InvalidInput);
    assert.equal(calls, 0);
  });
});
