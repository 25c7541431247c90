import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ConditionalCheckFailedException, type DynamoDBClient, type UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient, SFNServiceException, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import {
  type ApprovalStore,
  type ClaimResult,
  type DecisionRecord,
  type SendDecision,
  createHandler,
  dynamoApprovalStore,
  sfnSendDecision,
} from '../lambda/decide';

process.env.AWS_REGION ??= 'us-east-1';

/** What the SDK throws when Step Functions throttles the call after its own retries. */
const throttled = () => new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: {} });

const ALICE = 'arn:aws:sts::111122223333:assumed-role/Approvers/alice';
const BOB = 'arn:aws:sts::111122223333:assumed-role/Approvers/bob';
const NOW = new Date('2026-12-05T10:00:00.000Z');

function call(approvalId: string, body: unknown, userArn: string | null = ALICE): APIGatewayProxyEventV2WithIAMAuthorizer {
  return {
    pathParameters: { approvalId },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { authorizer: userArn === null ? undefined : { iam: { userArn } } },
  } as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;
}

type Item = { status: string; taskToken?: string; expiresAt: string; decision?: string; decidedBy?: string; decidedAt?: string };

/** An in-memory approvals table with the same rules as the conditional writes in dynamoApprovalStore. */
class FakeStore implements ApprovalStore {
  items = new Map<string, Item>();
  async claim(approvalId: string, r: DecisionRecord): Promise<ClaimResult> {
    const item = this.items.get(approvalId);
    if (item === undefined) return { kind: 'missing' };
    if (item.status === 'PENDING' && item.taskToken !== undefined && item.expiresAt > r.decidedAt) {
      const taskToken = item.taskToken;
      this.items.set(approvalId, { status: r.decision === 'approve' ? 'APPROVED' : 'REJECTED', expiresAt: item.expiresAt, decision: r.decision, decidedBy: r.decidedBy, decidedAt: r.decidedAt });
      return { kind: 'claimed', taskToken };
    }
    if (item.status === 'EXPIRED' || (item.status === 'PENDING' && item.expiresAt <= r.decidedAt)) return { kind: 'expired' };
    if (item.status === 'PENDING') return { kind: 'not-ready' };
    return { kind: 'decided', decision: item.decision as 'approve' | 'reject', decidedBy: item.decidedBy!, decidedAt: item.decidedAt! };
  }
  async markExpired(approvalId: string, r: DecisionRecord) {
    const item = this.items.get(approvalId)!;
    if (item.decidedAt === r.decidedAt && item.decidedBy === r.decidedBy) item.status = 'EXPIRED';
  }
  async release(approvalId: string, taskToken: string, r: DecisionRecord) {
    const item = this.items.get(approvalId)!;
    if (item.decidedAt === r.decidedAt && item.decidedBy === r.decidedBy) this.items.set(approvalId, { status: 'PENDING', taskToken, expiresAt: item.expiresAt });
  }
}

const pending = (taskToken?: string): Item => ({ status: 'PENDING', taskToken, expiresAt: '2026-12-06T09:00:00.000Z' });
const parse = (body: string | undefined) => JSON.parse(String(body));

describe('decide handler', () => {
  let store: FakeStore;
  let sent: { taskToken: string; record: DecisionRecord }[];
  let send: SendDecision;
  let clock: Date;
  const handler = () => createHandler(store, send, () => clock);
  const quiet = console.log;

  beforeEach(() => {
    store = new FakeStore();
    sent = [];
    clock = NOW;
    send = async (taskToken, record) => {
      sent.push({ taskToken, record });
      return 'delivered';
    };
    console.log = () => {};
  });
  afterEach(() => {
    console.log = quiet;
  });

  test('approves a pending request with SendTaskSuccess, recording the IAM caller as the approver', async () => {
    store.items.set('req-1', pending('token-1'));
    const response = await handler()(call('req-1', { decision: 'approve', comment: 'ok for the migration' }));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(sent, [{ taskToken: 'token-1', record: { decision: 'approve', decidedBy: ALICE, decidedAt: NOW.toISOString(), comment: 'ok for the migration' } }]);
    assert.deepEqual(parse(response.body), { approvalId: 'req-1', decision: 'approve', status: 'APPROVED', decidedBy: ALICE, decidedAt: NOW.toISOString() });
    // The token is used once and leaves the table with the claim.
    assert.equal(store.items.get('req-1')?.taskToken, undefined);
  });

  test('sends a rejection through SendTaskSuccess too, never SendTaskFailure, so the Choice state reads it', async () => {
    store.items.set('req-2', pending('token-2'));
    const commands: unknown[] = [];
    const client = { send: async (command: unknown) => void commands.push(command) } as unknown as SFNClient;
    const response = await createHandler(store, sfnSendDecision(client), () => clock)(call('req-2', { decision: 'reject', comment: 'not during the freeze' }));
    assert.equal(response.statusCode, 200);
    assert.equal(commands.length, 1);
    assert.ok(commands[0] instanceof SendTaskSuccessCommand);
    assert.ok(!(commands[0] instanceof SendTaskFailureCommand));
    const { input } = commands[0] as SendTaskSuccessCommand;
    assert.equal(input.taskToken, 'token-2');
    assert.deepEqual(JSON.parse(String(input.output)), { decision: 'reject', decidedBy: ALICE, decidedAt: NOW.toISOString(), comment: 'not during the freeze' });
  });

  test('answers a repeated decision with the recorded result and a contrary one with 409, sending nothing more', async () => {
    store.items.set('req-3', pending('token-3'));
    assert.equal((await handler()(call('req-3', { decision: 'approve' }))).statusCode, 200);
    clock = new Date(NOW.getTime() + 60_000);
    const again = await handler()(call('req-3', { decision: 'approve' }, BOB));
    assert.equal(again.statusCode, 200);
    assert.deepEqual(parse(again.body), { approvalId: 'req-3', decision: 'approve', status: 'APPROVED', decidedBy: ALICE, decidedAt: NOW.toISOString(), alreadyDecided: true });
    const contrary = await handler()(call('req-3', { decision: 'reject' }, BOB));
    assert.equal(contrary.statusCode, 409);
    assert.equal(parse(contrary.body).decidedBy, ALICE);
    assert.equal(sent.length, 1);
  });

  test('lets only one of two simultaneous approvers reach the workflow', async () => {
    store.items.set('req-4', pending('token-4'));
    const answers = await Promise.all([handler()(call('req-4', { decision: 'approve' })), handler()(call('req-4', { decision: 'reject' }, BOB))]);
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 409]);
    assert.equal(sent.length, 1);
  });

  test('answers 410 and marks the request expired when the workflow no longer waits for the token', async () => {
    store.items.set('req-5', pending('token-5'));
    send = async () => 'gone';
    const response = await handler()(call('req-5', { decision: 'approve' }));
    assert.equal(response.statusCode, 410);
    assert.equal(store.items.get('req-5')?.status, 'EXPIRED');
    // Asking again now gets the same clean answer without another callback.
    assert.equal((await handler()(call('req-5', { decision: 'approve' }))).statusCode, 410);
  });

  test('answers 410 for a request past its deadline without calling Step Functions', async () => {
    store.items.set('req-6', pending('token-6'));
    clock = new Date('2026-12-06T09:00:00.000Z');
    assert.equal((await handler()(call('req-6', { decision: 'approve' }))).statusCode, 410);
    assert.deepEqual(sent, []);
  });

  test('answers 404 for an unknown id and 503 with retry-after while the token is not stored yet', async () => {
    assert.equal((await handler()(call('nobody', { decision: 'approve' }))).statusCode, 404);
    store.items.set('req-7', pending());
    const early = await handler()(call('req-7', { decision: 'approve' }));
    assert.equal(early.statusCode, 503);
    assert.equal(early.headers?.['retry-after'], '5');
    assert.deepEqual(sent, []);
  });

  test('puts the request back and answers 503 when Step Functions cannot be reached, so a retry succeeds', async () => {
    store.items.set('req-8', pending('token-8'));
    send = async () => {
      throw throttled();
    };
    const first = await handler()(call('req-8', { decision: 'approve' }));
    assert.equal(first.statusCode, 503);
    assert.deepEqual(store.items.get('req-8'), pending('token-8'));
    send = async () => 'delivered';
    assert.equal((await handler()(call('req-8', { decision: 'approve' }))).statusCode, 200);
  });

  test('refuses a missing identity, a bad id, a bad body or an unknown decision before touching the table', async () => {
    let claims = 0;
    const counting: ApprovalStore = { ...store, claim: async () => (claims++, { kind: 'missing' }), markExpired: async () => {}, release: async () => {} };
    const h = createHandler(counting, send, () => clock);
    assert.equal((await h(call('req-9', { decision: 'approve' }, null))).statusCode, 401);
    assert.equal((await h(call('../etc', { decision: 'approve' }))).statusCode, 400);
    assert.equal((await h(call('req-9', 'not json'))).statusCode, 400);
    assert.equal((await h(call('req-9', { decision: 'maybe' }))).statusCode, 400);
    assert.equal((await h(call('req-9', { decision: 'approve', comment: 'x'.repeat(501) }))).statusCode, 400);
    assert.equal(claims, 0);
  });

  test('answers 500 without leaking the cause when DynamoDB fails', async () => {
    const failing: ApprovalStore = {
      claim: async () => {
        throw new Error('AccessDeniedException on table Approvals-secret');
      },
      markExpired: async () => {},
      release: async () => {},
    };
    const response = await createHandler(failing, send, () => clock)(call('req-10', { decision: 'approve' }));
    assert.equal(response.statusCode, 500);
    assert.doesNotMatch(String(response.body), /secret/);
    assert.deepEqual(sent, []);
  });
});

describe('sfnSendDecision', () => {
  const record: DecisionRecord = { decision: 'approve', decidedBy: ALICE, decidedAt: NOW.toISOString(), comment: '' };
  const failingWith = (error: Error) => ({ send: async () => Promise.reject(error) }) as unknown as SFNClient;

  test('reports a token whose task timed out, ended or was already used as gone', async () => {
    for (const error of [
      new TaskTimedOut({ message: "Task Timed Out: 'Provided task does not exist anymore'", $metadata: {} }),
      new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} }),
      new InvalidToken({ message: 'Invalid token', $metadata: {} }),
    ]) {
      assert.equal(await sfnSendDecision(failingWith(error))('token', record), 'gone');
    }
  });

  test('passes every other error on', async () => {
    await assert.rejects(sfnSendDecision(failingWith(throttled()))('token', record), /Rate exceeded/);
  });
});

describe('dynamoApprovalStore', () => {
  const record: DecisionRecord = { decision: 'reject', decidedBy: ALICE, decidedAt: NOW.toISOString(), comment: 'no' };
  const refusedWith = (Item?: Record<string, { S: string }>) =>
    ({
      send: async () => {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item });
      },
    }) as unknown as DynamoDBClient;

  test('claims with one conditional update that records the decision, removes the token and returns it', async () => {
    const sent: UpdateItemCommand['input'][] = [];
    const client = {
      send: async (command: UpdateItemCommand) => {
        sent.push(command.input);
        return { Attributes: { taskToken: { S: 'token-1' }, status: { S: 'PENDING' } } };
      },
    } as unknown as DynamoDBClient;
    assert.deepEqual(await dynamoApprovalStore(client, 'Approvals').claim('req-1', record), { kind: 'claimed', taskToken: 'token-1' });
    assert.deepEqual(sent, [
      {
        TableName: 'Approvals',
        Key: { approvalId: { S: 'req-1' } },
        UpdateExpression: 'SET #status = :status, #decision = :decision, decidedBy = :by, decidedAt = :at, #comment = :comment REMOVE taskToken',
        ConditionExpression: '#status = :pending AND attribute_exists(taskToken) AND expiresAt > :at',
        ExpressionAttributeNames: { '#status': 'status', '#decision': 'decision', '#comment': 'comment' },
        ExpressionAttributeValues: {
          ':status': { S: 'REJECTED' },
          ':decision': { S: 'reject' },
          ':by': { S: ALICE },
          ':at': { S: NOW.toISOString() },
          ':comment': { S: 'no' },
          ':pending': { S: 'PENDING' },
        },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    ]);
  });

  test('explains a refused claim from the item DynamoDB hands back', async () => {
    const claim = (item?: Record<string, { S: string }>) => dynamoApprovalStore(refusedWith(item), 'Approvals').claim('req-1', record);
    assert.deepEqual(await claim(undefined), { kind: 'missing' });
    assert.deepEqual(await claim({ status: { S: 'EXPIRED' } }), { kind: 'expired' });
    assert.deepEqual(await claim({ status: { S: 'PENDING' }, expiresAt: { S: '2026-12-05T10:00:00.000Z' } }), { kind: 'expired' });
    assert.deepEqual(await claim({ status: { S: 'PENDING' }, expiresAt: { S: '2026-12-06T09:00:00.000Z' } }), { kind: 'not-ready' });
    assert.deepEqual(await claim({ status: { S: 'ACTIVE' }, decision: { S: 'approve' }, decidedBy: { S: BOB }, decidedAt: { S: '2026-12-05T09:30:00.000Z' } }), {
      kind: 'decided',
      decision: 'approve',
      decidedBy: BOB,
      decidedAt: '2026-12-05T09:30:00.000Z',
    });
  });

  test("expires or releases a claim only while it is still this call's own", async () => {
    const sent: UpdateItemCommand['input'][] = [];
    const client = { send: async (command: UpdateItemCommand) => void sent.push(command.input) } as unknown as DynamoDBClient;
    const store = dynamoApprovalStore(client, 'Approvals');
    await store.markExpired('req-1', record);
    await store.release('req-1', 'token-1', record);
    assert.deepEqual(
      sent.map((s) => [s.UpdateExpression, s.ConditionExpression, s.ExpressionAttributeValues?.[':at'], s.ExpressionAttributeValues?.[':by']]),
      [
        ['SET #status = :expired', 'decidedAt = :at AND decidedBy = :by', { S: NOW.toISOString() }, { S: ALICE }],
        ['SET #status = :pending, taskToken = :token REMOVE #decision, decidedBy, decidedAt, #comment', 'decidedAt = :at AND decidedBy = :by', { S: NOW.toISOString() }, { S: ALICE }],
      ],
    );
    // Someone else's later write wins: losing that race is not an error.
    await dynamoApprovalStore(refusedWith(), 'Approvals').markExpired('req-1', record);
    await dynamoApprovalStore(refusedWith(), 'Approvals').release('req-1', 'token-1', record);
  });
});
