import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createCommandHandler } from '../lambda/commands';
import { replay } from '../lambda/domain';
import { ConcurrencyConflict, appendEvents, upcastItem } from '../lambda/event-store';
import { createReadHandler } from '../lambda/reader';
import { randomCommand, seeded } from './generators';
import { FakeDynamoDB } from './fake-dynamodb';

process.env.AWS_REGION ??= 'us-east-1';

const tables = { eventsTable: 'Events', snapshotsTable: 'Snapshots' };

function post(accountId: string, command: string, body: unknown): APIGatewayProxyEventV2 {
  return {
    pathParameters: { accountId, command },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: { http: { method: 'POST' } },
  } as unknown as APIGatewayProxyEventV2;
}

function get(accountId: string, asOfVersion?: string): APIGatewayProxyEventV2 {
  return {
    pathParameters: { accountId },
    queryStringParameters: asOfVersion === undefined ? undefined : { asOfVersion },
    requestContext: { http: { method: 'GET' } },
  } as unknown as APIGatewayProxyEventV2;
}

const body = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(String(r.body));

describe('command and read handlers', () => {
  let db: FakeDynamoDB;
  let commands: ReturnType<typeof createCommandHandler>;
  let read: ReturnType<typeof createReadHandler>;
  const quiet = console.error;

  beforeEach(() => {
    db = new FakeDynamoDB();
    commands = createCommandHandler({ client: db, ...tables, snapshotEvery: 50 });
    read = createReadHandler({ client: db, ...tables });
    console.error = () => {};
  });
  afterEach(() => {
    console.error = quiet;
  });

  test('appends the events of one command atomically at the next versions', async () => {
    const opened = await commands(post('acc-1', 'open', { expectedVersion: 0, owner: 'Ana', initialDeposit: 1000 }));
    assert.equal(opened.statusCode, 201);
    assert.deepEqual(body(opened).events, ['AccountOpened', 'MoneyDeposited']);
    const transaction = db.calls.filter((c) => c.name === 'TransactWriteItemsCommand');
    assert.equal(transaction.length, 1);
    const items = db.items('Events');
    assert.deepEqual(
      items.map((i) => [i.aggregateId.S, i.version.N, i.type.S, i.schemaVersion.N, i.data.S]),
      [
        ['acc-1', '1', 'AccountOpened', '1', '{"owner":"Ana"}'],
        ['acc-1', '2', 'MoneyDeposited', '1', '{"amount":1000}'],
      ],
    );
    const deposited = await commands(post('acc-1', 'deposit', { expectedVersion: 2, amount: 5 }));
    assert.equal(deposited.statusCode, 201);
    assert.deepEqual(body(deposited).state, { owner: 'Ana', balance: 1005 });
    // A single event needs no transaction, which would cost twice the write units.
    assert.equal(db.calls.filter((c) => c.name === 'PutItemCommand').length, 1);
    assert.deepEqual(
      db.calls.filter((c) => c.name.startsWith('Put') || c.name.startsWith('Transact')).flatMap((c) => {
        const input = c.input as { ConditionExpression?: string; TransactItems?: { Put: { ConditionExpression: string } }[] };
        return input.TransactItems ? input.TransactItems.map((t) => t.Put.ConditionExpression) : [input.ConditionExpression];
      }),
      ['attribute_not_exists(version)', 'attribute_not_exists(version)', 'attribute_not_exists(version)'],
    );
  });

  test('lets exactly one of two writers racing for the same version win; the other gets 409', async () => {
    await commands(post('acc-1', 'open', { expectedVersion: 0, owner: 'Ana', initialDeposit: 1000 }));
    const results = await Promise.all([
      commands(post('acc-1', 'withdraw', { expectedVersion: 2, amount: 800 })),
      commands(post('acc-1', 'withdraw', { expectedVersion: 2, amount: 700 })),
    ]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409]);
    const loser = body(results.find((r) => r.statusCode === 409) as APIGatewayProxyStructuredResultV2);
    assert.equal(loser.error, 'ConcurrencyConflict');
    // Both reached the conditional put for version 3: the table, not the pre-check, picked the winner.
    const puts = db.calls.filter((c) => c.name === 'PutItemCommand').map((c) => (c.input as { Item: { version: { N: string } } }).Item.version.N);
    assert.deepEqual(puts, ['3', '3']);
    assert.equal(db.items('Events').length, 3);
    assert.ok([200, 300].includes(body(await read(get('acc-1'))).balance));
  });

  test('writes none of a multi-event command when one of its versions is taken', async () => {
    await commands(post('acc-1', 'open', { expectedVersion: 0, owner: 'Ana' }));
    await assert.rejects(
      appendEvents(db, tables, 'acc-1', 0, [{ type: 'AccountOpened', data: { owner: 'Bo' } }, { type: 'MoneyDeposited', data: { amount: 1 } }], 'c2'),
      (error) => error instanceof ConcurrencyConflict && error.version === 1,
    );
    assert.deepEqual(db.items('Events').map((i) => i.version.N), ['1']);
    await assert.rejects(appendEvents(db, tables, 'acc-1', 0, [{ type: 'MoneyDeposited', data: { amount: 1 } }], 'c3'), ConcurrencyConflict);
  });

  test('treats a rival transaction still in flight on the version as a conflict, not a server error', async () => {
    const deposit = [{ type: 'MoneyDeposited', data: { amount: 1 } }] as const;
    const twoEvents = [{ type: 'AccountOpened', data: { owner: 'Bo' } }, ...deposit] as const;
    db.failWith = { name: 'PutItemCommand', table: 'Events', error: new TransactionConflictException({ message: 'ongoing transaction', $metadata: {} }) };
    await assert.rejects(appendEvents(db, tables, 'acc-1', 0, deposit, 'c1'), (error) => error instanceof ConcurrencyConflict && error.version === 1);
    const cancelled = (Code: string) =>
      new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code }, { Code: 'None' }] });
    db.failWith = { name: 'TransactWriteItemsCommand', error: cancelled('TransactionConflict') };
    await assert.rejects(appendEvents(db, tables, 'acc-1', 0, twoEvents, 'c2'), ConcurrencyConflict);
    // Throttling is not a conflict: it stays an error, answered as a 500.
    db.failWith = { name: 'TransactWriteItemsCommand', error: cancelled('ThrottlingError') };
    await assert.rejects(appendEvents(db, tables, 'acc-1', 0, twoEvents, 'c3'), (error) => error instanceof TransactionCanceledException);
    assert.equal(db.items('Events').length, 0);
  });

  test('answers 409 with the current version when expectedVersion is stale', async () => {
    await commands(post('acc-1', 'open', { expectedVersion: 0, owner: 'Ana', initialDeposit: 10 }));
    const stale = await commands(post('acc-1', 'deposit', { expectedVersion: 1, amount: 5 }));
    assert.equal(stale.statusCode, 409);
    assert.deepEqual(body(stale), {
      error: 'ConcurrencyConflict',
      message: 'The account changed since you read it: read it again and retry.',
      expectedVersion: 1,
      currentVersion: 2,
    });
    assert.equal(db.items('Events').length, 2);
  });

  test('answers a retried command with its original outcome instead of applying it twice', async () => {
    await commands(post('acc-1', 'open', { expectedVersion: 0, owner: 'Ana', initialDeposit: 10 }));
    const first = await commands(post('acc-1', 'deposit', { expectedVersion: 2, amount: 5, commandId: 'pay-42' }));
    const retry = await commands(post('acc-1', 'deposit', { expectedVersion: 2, amount: 5, commandId: 'pay-42' }));
    assert.equal(first.statusCode, 201);
    assert.equal(retry.statusCode, 200);
    assert.deepEqual(body(retry), { accountId: 'acc-1', commandId: 'pay-42', replayed: true, version: 3, state: { owner: 'Ana', balance: 15 } });
    assert.equal(db.items('Events').length, 3);
    const other = await commands(post('acc-1', 'deposit', { expectedVersion: 2, amount: 5, commandId: 'pay-43' }));
    assert.equal(other.statusCode, 409);
  });

  test('maps business rule rejections to 4xx and writes nothing', async () => {
    await commands(post('acc-1', 'open', { expectedVersion: 0, owner: 'Ana', initialDeposit: 100 }));
    const before = db.items('Events').length;
    const cases: [APIGatewayProxyEventV2, number, string][] = [
      [post('acc-1', 'withdraw', { expectedVersion: 2, amount: 101 }), 422, 'InsufficientFunds'],
      [post('acc-2', 'deposit', { expectedVersion: 0, amount: 1 }), 404, 'AccountNotFound'],
      [post('acc-1', 'open', { expectedVersion: 2, owner: 'Bo' }), 409, 'AccountAlreadyOpen'],
      [post('acc-1', 'deposit', { expectedVersion: 2, amount: 0 }), 400, 'ValidationFailed'],
      [post('acc-1', 'deposit', { amount: 1 }), 400, 'ValidationFailed'],
      [post('acc-1', 'close', { expectedVersion: 2 }), 400, 'ValidationFailed'],
      [post('acc-1', 'deposit', 'not json'), 400, 'ValidationFailed'],
      [post('acc 1', 'deposit', { expectedVersion: 2, amount: 1 }), 400, 'ValidationFailed'],
    ];
    for (const [event, status, error] of cases) {
      const response = await commands(event);
      assert.equal(response.statusCode, status, String(event.body));
      assert.equal(body(response).error, error);
    }
    assert.equal(db.items('Events').length, before);
  });

  test('writes a snapshot when the stream crosses every 50th version and still succeeds if that write fails', async () => {
    await commands(post('acc-1', 'open', { expectedVersion: 0, owner: 'Ana', initialDeposit: 1 }));
    for (let v = 2; v < 49; v++) await commands(post('acc-1', 'deposit', { expectedVersion: v, amount: 1 }));
    assert.equal(db.items('Snapshots').length, 0);
    await commands(post('acc-1', 'deposit', { expectedVersion: 49, amount: 1 }));
    assert.deepEqual(
      db.items('Snapshots').map((i) => [i.version.N, i.state.S]),
      [['50', '{"opened":true,"owner":"Ana","balance":49}']],
    );
    db.failWith = { name: 'PutItemCommand', table: 'Snapshots', error: new Error('ProvisionedThroughputExceededException') };
    const everyEvent = createCommandHandler({ client: db, ...tables, snapshotEvery: 1 });
    const response = await everyEvent(post('acc-9', 'open', { expectedVersion: 0, owner: 'Bo' }));
    assert.equal(response.statusCode, 201);
    assert.deepEqual(db.items('Events').filter((i) => i.aggregateId.S === 'acc-9').map((i) => i.version.N), ['1']);
    assert.equal(db.items('Snapshots').length, 1);
  });

  test('rebuilds the same state from the latest snapshot plus the tail as from every event', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const db2 = new FakeDynamoDB(9);
      const handle = createCommandHandler({ client: db2, ...tables, snapshotEvery: 50 });
      const reader = createReadHandler({ client: db2, ...tables });
      const random = seeded(seed);
      await handle(post('acc', 'open', { expectedVersion: 0, owner: 'Ana', initialDeposit: 300 }));
      let version = 2;
      for (let i = 0; i < 260; i++) {
        const command = randomCommand(random);
        const r = await handle(post('acc', command.type, { expectedVersion: version, ...command }));
        if (r.statusCode === 201) version = body(r).version;
      }
      assert.ok(db2.items('Snapshots').length === 1 && Number(db2.items('Snapshots')[0].version.N) >= 50, `seed ${seed}: no snapshot`);
      const fromSnapshot = body(await reader(get('acc')));
      const everything = replay(db2.items('Events').map(upcastItem));
      assert.equal(fromSnapshot.version, version);
      assert.ok(fromSnapshot.rebuiltFrom.snapshotVersion > 0);
      assert.deepEqual({ owner: fromSnapshot.owner, balance: fromSnapshot.balance }, { owner: everything.owner, balance: everything.balance });
      assert.ok(everything.balance >= 0);
    }
  });

  test('reads the state as of an earlier version and 404s an account with no events', async () => {
    await commands(post('acc-1', 'open', { expectedVersion: 0, owner: 'Ana', initialDeposit: 100 }));
    await commands(post('acc-1', 'withdraw', { expectedVersion: 2, amount: 30 }));
    assert.deepEqual(body(await read(get('acc-1'))), {
      accountId: 'acc-1',
      version: 3,
      owner: 'Ana',
      balance: 70,
      rebuiltFrom: { snapshotVersion: 0, eventsReplayed: 3 },
    });
    const earlier = body(await read(get('acc-1', '2')));
    assert.deepEqual([earlier.version, earlier.balance], [2, 100]);
    assert.equal((await read(get('nobody'))).statusCode, 404);
    assert.equal((await read(get('acc-1', '0'))).statusCode, 400);
    assert.equal((await read(get('acc-1', 'abc'))).statusCode, 400);
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    db.failWith = { name: 'GetItemCommand', error: new Error('AccessDeniedException: arn:aws:dynamodb:secret-table') };
    for (const response of [await commands(post('acc-1', 'deposit', { expectedVersion: 0, amount: 1 })), await read(get('acc-1'))]) {
      assert.equal(response.statusCode, 500);
      assert.doesNotMatch(String(response.body), /secret-table/);
    }
  });
});
