import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConditionalCheckFailedException, type DynamoDBClient, type PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type AccessRequest,
  DuplicateApproval,
  InvalidRequest,
  MAX_ACCESS_MINUTES,
  createHandler,
  dynamoPutPending,
  notification,
  validate,
} from '../lambda/register-request';

process.env.AWS_REGION ??= 'us-east-1';

const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com';

function event(request: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    approvalId: 'req-0042',
    startedAt: '2026-12-05T09:00:00.000Z',
    expiresAt: '2026-12-06T09:00:00.000Z',
    request,
    ...extra,
  };
}
const good = { requester: 'alice', resource: 'prod-db:admin', reason: 'Fix the stuck migration', durationMinutes: 30 };

describe('validate', () => {
  test('lists every problem with a request at once and refuses it as InvalidRequest', () => {
    assert.throws(
      () => validate(event({ requester: 'alice smith', resource: '', durationMinutes: 0 }, { approvalId: 'has spaces' })),
      (error: unknown) => {
        assert.ok(error instanceof InvalidRequest);
        // The name is what Lambda reports as the error type, and what the state machine matches.
        assert.equal(error.name, 'InvalidRequest');
        for (const field of ['execution name', 'requester', 'resource', 'reason', 'durationMinutes']) assert.match(error.message, new RegExp(field));
        return true;
      },
    );
  });

  test('accepts access windows from one minute to eight hours and nothing else', () => {
    assert.equal(validate(event({ ...good, durationMinutes: 1 })).durationMinutes, 1);
    assert.equal(validate(event({ ...good, durationMinutes: MAX_ACCESS_MINUTES })).durationMinutes, 480);
    for (const durationMinutes of [0, MAX_ACCESS_MINUTES + 1, 1.5, '30', undefined]) {
      assert.throws(() => validate(event({ ...good, durationMinutes })), InvalidRequest);
    }
  });

  test('copies only the known fields, so nothing else reaches the table or the message', () => {
    const request = validate(event({ ...good, reason: '  Fix it  ', taskToken: 'sneaked-in', admin: true }));
    assert.deepEqual(request, {
      approvalId: 'req-0042',
      requester: 'alice',
      resource: 'prod-db:admin',
      reason: 'Fix it',
      durationMinutes: 30,
      requestedAt: '2026-12-05T09:00:00.000Z',
      expiresAt: '2026-12-06T09:00:00.000Z',
    });
  });

  test('writes both instants in one ISO form so DynamoDB can compare them as strings', () => {
    const request = validate(event(good, { startedAt: '2026-12-05T09:00:00Z', expiresAt: '2026-12-06T10:00:00+01:00' }));
    assert.equal(request.requestedAt, '2026-12-05T09:00:00.000Z');
    assert.equal(request.expiresAt, '2026-12-06T09:00:00.000Z');
    for (const expiresAt of ['tomorrow', '2026-12-06T09:00:00', 1765011600000]) {
      assert.throws(() => validate(event(good, { expiresAt })), InvalidRequest);
    }
  });
});

describe('notification', () => {
  const request: AccessRequest = validate(event(good));

  test('tells approvers what is asked, by when and where to decide, without any task token', () => {
    const { subject, message } = notification(request, `${API_URL}/`);
    assert.equal(subject, 'Access request from alice');
    assert.match(message, /alice asks for prod-db:admin for 30 minutes\./);
    assert.match(message, /Reason: Fix the stuck migration/);
    assert.match(message, /Decide before: 2026-12-06T09:00:00\.000Z/);
    assert.match(message, new RegExp(`POST ${API_URL}/approvals/req-0042\\n`));
    // The only mention of a token is the sentence saying there is none.
    assert.deepEqual(message.match(/token/gi), ['token']);
  });

  test('keeps the subject inside the 100 characters SNS allows', () => {
    const longest = validate(event({ ...good, requester: 'r'.repeat(32), resource: 'x'.repeat(48) }));
    assert.ok(notification(longest, API_URL).subject.length < 100);
  });
});

describe('dynamoPutPending', () => {
  const request: AccessRequest = validate(event(good));

  test('stores the request as PENDING without overwriting an earlier request of the same id', async () => {
    const sent: PutItemCommand['input'][] = [];
    const client = { send: async (command: PutItemCommand) => void sent.push(command.input) } as unknown as DynamoDBClient;
    await dynamoPutPending(client, 'Approvals')(request);
    assert.deepEqual(sent, [
      {
        TableName: 'Approvals',
        Item: {
          approvalId: { S: 'req-0042' },
          status: { S: 'PENDING' },
          requester: { S: 'alice' },
          resource: { S: 'prod-db:admin' },
          reason: { S: 'Fix the stuck migration' },
          durationMinutes: { N: '30' },
          requestedAt: { S: '2026-12-05T09:00:00.000Z' },
          expiresAt: { S: '2026-12-06T09:00:00.000Z' },
        },
        ConditionExpression: 'attribute_not_exists(approvalId) OR requestedAt = :requestedAt',
        ExpressionAttributeValues: { ':requestedAt': { S: '2026-12-05T09:00:00.000Z' } },
      },
    ]);
  });

  test('turns a clash with an earlier request into DuplicateApproval', async () => {
    const client = {
      send: async () => {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      },
    } as unknown as DynamoDBClient;
    await assert.rejects(dynamoPutPending(client, 'Approvals')(request), (error: unknown) => error instanceof DuplicateApproval && error.name === 'DuplicateApproval');
  });
});

describe('register request handler', () => {
  test("stores the request before answering with it and the approvers' message", async () => {
    const stored: AccessRequest[] = [];
    const original = console.log;
    console.log = () => {};
    try {
      const result = await createHandler(async (r) => void stored.push(r), API_URL)(event(good));
      assert.equal(stored.length, 1);
      assert.equal(result.approvalId, 'req-0042');
      assert.equal(result.notification.subject, 'Access request from alice');
    } finally {
      console.log = original;
    }
  });

  test('stores nothing for an invalid request', async () => {
    const stored: AccessRequest[] = [];
    await assert.rejects(createHandler(async (r) => void stored.push(r), API_URL)(event({ ...good, durationMinutes: 9999 })), InvalidRequest);
    assert.deepEqual(stored, []);
  });
});
