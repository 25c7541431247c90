import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ConditionalCheckFailedException, type AttributeValue, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import {
  InvalidLedgerEvent,
  SequenceGap,
  applyEvent,
  createHandler,
  parseLedgerEvent,
  updateFor,
  type LedgerEvent,
  type Sender,
} from '../lambda/ledger-events';

type Account = { balance: number; lastSequence: number; lastEventId: string };

/**
 * An in-memory stand-in for the Accounts table that honours the two condition expressions the
 * consumer sends, and answers a refused condition the way DynamoDB does with ALL_OLD.
 */
class FakeAccounts implements Sender {
  readonly items = new Map<string, Account>();
  readonly calls: UpdateItemCommand['input'][] = [];
  failNext?: Error;

  async send(command: unknown): Promise<never> {
    assert.ok(command instanceof UpdateItemCommand, 'the consumer only ever sends UpdateItem');
    const input = command.input;
    this.calls.push(input);
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    const values = input.ExpressionAttributeValues as Record<string, AttributeValue>;
    const id = (input.Key as Record<string, AttributeValue>).accountId.S as string;
    const current = this.items.get(id);
    const allowed =
      input.ConditionExpression === 'attribute_not_exists(accountId)'
        ? current === undefined
        : input.ConditionExpression === 'lastSequence = :previous'
          ? current !== undefined && current.lastSequence === Number(values[':previous'].N)
          : assert.fail(`unexpected condition ${input.ConditionExpression}`);
    if (!allowed) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: current && {
          accountId: { S: id },
          balance: { N: String(current.balance) },
          lastSequence: { N: String(current.lastSequence) },
          lastEventId: { S: current.lastEventId },
        },
      });
    }
    this.items.set(id, {
      balance: (current?.balance ?? 0) + Number(values[':delta'].N),
      lastSequence: Number(values[':sequence'].N),
      lastEventId: values[':eventId'].S as string,
    });
    return {} as never;
  }
}

const event = (accountId: string, sequence: number, type: 'credit' | 'debit' = 'credit', amount = 100): LedgerEvent => ({
  accountId,
  eventId: `${accountId}-evt-${sequence}`,
  sequence,
  type,
  amount,
});

function record(messageId: string, body: unknown, group = (body as LedgerEvent).accountId): SQSRecord {
  return {
    messageId,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', MessageGroupId: group, MessageDeduplicationId: messageId },
  } as unknown as SQSRecord;
}

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

let logged: Record<string, unknown>[] = [];
const originals = { info: console.info, error: console.error };
beforeEach(() => {
  logged = [];
  console.info = (line: string) => logged.push(JSON.parse(line));
  console.error = (line: string) => logged.push(JSON.parse(line));
});
afterEach(() => {
  console.info = originals.info;
  console.error = originals.error;
});

describe('parseLedgerEvent', () => {
  test('accepts an event that the API model accepts', () => {
    const valid = { accountId: 'acc-1001', eventId: 'evt_01J', sequence: 7, type: 'debit', amount: 2500 };
    assert.deepEqual(parseLedgerEvent(JSON.stringify(valid)), valid);
  });

  test('rejects missing or malformed fields with a reason', () => {
    const good = event('acc-1', 1);
    const cases: [unknown, RegExp][] = [
      ['{', /not JSON/],
      [[good], /not a JSON object/],
      [{ ...good, accountId: 'has space' }, /accountId/],
      [{ ...good, eventId: undefined }, /eventId/],
      [{ ...good, sequence: 0 }, /sequence/],
      [{ ...good, sequence: 1.5 }, /sequence/],
      [{ ...good, sequence: '2' }, /sequence/],
      [{ ...good, type: 'refund' }, /type/],
      [{ ...good, amount: 0 }, /amount/],
      [{ ...good, amount: 100_000_001 }, /amount/],
      [{ ...good, amount: 12.5 }, /amount/],
    ];
    for (const [input, reason] of cases) {
      const body = typeof input === 'string' ? input : JSON.stringify(input);
      assert.throws(() => parseLedgerEvent(body), (e: Error) => e instanceof InvalidLedgerEvent && reason.test(e.message), body);
    }
  });
});

describe('the conditional write', () => {
  test('creates an account only at sequence 1 and otherwise requires the previous sequence number', () => {
    assert.deepEqual(updateFor('Accounts', event('acc-1', 1, 'credit', 500)), {
      TableName: 'Accounts',
      Key: { accountId: { S: 'acc-1' } },
      UpdateExpression: 'SET balance = if_not_exists(balance, :zero) + :delta, lastSequence = :sequence, lastEventId = :eventId',
      ConditionExpression: 'attribute_not_exists(accountId)',
      ExpressionAttributeValues: {
        ':zero': { N: '0' },
        ':delta': { N: '500' },
        ':sequence': { N: '1' },
        ':eventId': { S: 'acc-1-evt-1' },
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const later = updateFor('Accounts', event('acc-1', 8, 'debit', 200));
    assert.equal(later.ConditionExpression, 'lastSequence = :previous');
    assert.deepEqual(later.ExpressionAttributeValues?.[':previous'], { N: '7' });
    assert.deepEqual(later.ExpressionAttributeValues?.[':delta'], { N: '-200' });
  });

  test('applies events in sequence and ignores a replayed or older sequence number', async () => {
    const table = new FakeAccounts();
    assert.equal(await applyEvent(table, 'Accounts', event('acc-1', 1, 'credit', 1000)), 'applied');
    assert.equal(await applyEvent(table, 'Accounts', event('acc-1', 2, 'debit', 300)), 'applied');
    // The same events again, long after SQS's 5-minute deduplication window: nothing changes.
    assert.equal(await applyEvent(table, 'Accounts', event('acc-1', 2, 'debit', 300)), 'ignored-replay');
    assert.equal(await applyEvent(table, 'Accounts', event('acc-1', 1, 'credit', 1000)), 'ignored-replay');
    assert.deepEqual(table.items.get('acc-1'), { balance: 700, lastSequence: 2, lastEventId: 'acc-1-evt-2' });
  });

  test('refuses an event that skips a sequence number, leaving the account unchanged', async () => {
    const table = new FakeAccounts();
    await assert.rejects(applyEvent(table, 'Accounts', event('acc-9', 2)), SequenceGap);
    await applyEvent(table, 'Accounts', event('acc-9', 1, 'credit', 50));
    await assert.rejects(applyEvent(table, 'Accounts', event('acc-9', 3)), /is at sequence 1; event acc-9-evt-3 has 3/);
    assert.deepEqual(table.items.get('acc-9'), { balance: 50, lastSequence: 1, lastEventId: 'acc-9-evt-1' });
  });

  test('passes on errors other than a refused condition, so the message is retried', async () => {
    const table = new FakeAccounts();
    table.failNext = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    await assert.rejects(applyEvent(table, 'Accounts', event('acc-1', 1)), /Rate exceeded/);
  });
});

describe('the batch handler', () => {
  test('applies each group in order; after a failure it reports the rest of that group while other groups continue', async () => {
    const table = new FakeAccounts();
    const handler = createHandler((e) => applyEvent(table, 'Accounts', e));
    const result = await handler(
      batch(
        record('a1', event('acc-A', 1, 'credit', 1000)),
        record('b1', event('acc-B', 1, 'credit', 40)),
        record('a2', event('acc-A', 2, 'debit', 250)),
        record('a2-again', event('acc-A', 2, 'debit', 250)),
        record('a4', event('acc-A', 4, 'credit', 5)),
        record('b2', event('acc-B', 2, 'debit', 15)),
        record('a5', event('acc-A', 5, 'credit', 5)),
      ),
    );
    assert.deepEqual(result.batchItemFailures, [{ itemIdentifier: 'a4' }, { itemIdentifier: 'a5' }]);
    assert.deepEqual(table.items.get('acc-A'), { balance: 750, lastSequence: 2, lastEventId: 'acc-A-evt-2' });
    assert.deepEqual(table.items.get('acc-B'), { balance: 25, lastSequence: 2, lastEventId: 'acc-B-evt-2' });
    // a5 was never tried: applying it would have jumped past the failed a4.
    assert.deepEqual(table.calls.map((c) => c.ExpressionAttributeValues?.[':eventId'].S), [
      'acc-A-evt-1',
      'acc-B-evt-1',
      'acc-A-evt-2',
      'acc-A-evt-2',
      'acc-A-evt-4',
      'acc-B-evt-2',
    ]);
    assert.deepEqual(
      logged.map((l) => [l.level, l.message, l.sqsMessageId]),
      [
        ['INFO', 'ledger event applied', 'a1'],
        ['INFO', 'ledger event applied', 'b1'],
        ['INFO', 'ledger event applied', 'a2'],
        ['INFO', 'ledger event ignored as a replay', 'a2-again'],
        ['ERROR', 'ledger event failed; its group waits', 'a4'],
        ['INFO', 'ledger event applied', 'b2'],
        ['INFO', 'held back behind a failed message of its group', 'a5'],
      ],
    );
  });

  test('rejects a malformed body or a message group that is not the event account, blocking only that group', async () => {
    const table = new FakeAccounts();
    const handler = createHandler((e) => applyEvent(table, 'Accounts', e));
    const result = await handler(
      batch(
        record('bad-json', '{', 'acc-X'),
        record('x1', event('acc-X', 1)),
        record('wrong-group', event('acc-Y', 1), 'acc-Z'),
        record('y1', event('acc-Y', 1)),
      ),
    );
    assert.deepEqual(
      result.batchItemFailures.map((f) => f.itemIdentifier),
      ['bad-json', 'x1', 'wrong-group'],
    );
    assert.deepEqual([...table.items.keys()], ['acc-Y']);
    const errors = logged.filter((l) => l.level === 'ERROR').map((l) => l.error);
    assert.deepEqual(errors, ['InvalidLedgerEvent: body is not JSON', 'InvalidLedgerEvent: message group id does not match accountId']);
  });
});
