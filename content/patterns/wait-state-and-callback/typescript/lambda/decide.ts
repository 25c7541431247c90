import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type Decision = 'approve' | 'reject';
export const STATUS_FOR: Record<Decision, string> = { approve: 'APPROVED', reject: 'REJECTED' };
const APPROVAL_ID = /^[A-Za-z0-9_-]{1,80}$/;
export const MAX_COMMENT_LENGTH = 500;
/** Seconds a caller should wait before sending the same decision again after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** What the approver decided, by whom and when: the output the workflow's Choice state reads. */
export type DecisionRecord = { decision: Decision; decidedBy: string; decidedAt: string; comment: string };

export type ClaimResult =
  | { kind: 'claimed'; taskToken: string }
  | { kind: 'missing' }
  | { kind: 'not-ready' }
  | { kind: 'expired' }
  | { kind: 'decided'; decision: Decision; decidedBy: string; decidedAt: string };

/** The approval record, with every write conditional so two approvers cannot both win. */
export interface ApprovalStore {
  /** PENDING with a token and before its deadline becomes the decision, and hands back the token, in one write. */
  claim(approvalId: string, record: DecisionRecord): Promise<ClaimResult>;
  /** The workflow stopped waiting before the decision reached it. */
  markExpired(approvalId: string, record: DecisionRecord): Promise<void>;
  /** Step Functions could not be reached: put the request back as it was, so the same call can be sent again. */
  release(approvalId: string, taskToken: string, record: DecisionRecord): Promise<void>;
}

/** Hands the decision to the waiting workflow. 'gone' means the task no longer waits for this token. */
export type SendDecision = (taskToken: string, record: DecisionRecord) => Promise<'delivered' | 'gone'>;

/** Step Functions' answers for a token whose task has ended: timed out, stopped, or already closed. */
export const GONE_TOKEN_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export function sfnSendDecision(client: SFNClient): SendDecision {
  return async (taskToken, record) => {
    try {
      await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(record) }));
      return 'delivered';
    } catch (error) {
      if (error instanceof Error && GONE_TOKEN_ERRORS.has(error.name)) return 'gone';
      throw error;
    }
  };
}

const text = (item: Record<string, AttributeValue> | undefined, name: string) => item?.[name]?.S;

export function dynamoApprovalStore(client: DynamoDBClient, tableName: string): ApprovalStore {
  const ours = (record: DecisionRecord) => ({
    // Only the call that made a claim may undo it or turn it into EXPIRED.
    ConditionExpression: 'decidedAt = :at AND decidedBy = :by',
    values: { ':at': { S: record.decidedAt }, ':by': { S: record.decidedBy } },
  });
  const ignoreLostRace = (error: unknown) => {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  };
  return {
    async claim(approvalId, record) {
      try {
        const result = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { approvalId: { S: approvalId } },
            UpdateExpression: 'SET #status = :status, #decision = :decision, decidedBy = :by, decidedAt = :at, #comment = :comment REMOVE taskToken',
            ConditionExpression: '#status = :pending AND attribute_exists(taskToken) AND expiresAt > :at',
            ExpressionAttributeNames: { '#status': 'status', '#decision': 'decision', '#comment': 'comment' },
            ExpressionAttributeValues: {
              ':status': { S: STATUS_FOR[record.decision] },
              ':decision': { S: record.decision },
              ':by': { S: record.decidedBy },
              ':at': { S: record.decidedAt },
              ':comment': { S: record.comment },
              ':pending': { S: 'PENDING' },
            },
            ReturnValues: 'ALL_OLD',
            // A refused claim returns the item as it is, so no second read is needed to explain why.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        const taskToken = text(result.Attributes, 'taskToken');
        if (taskToken === undefined) throw new Error(`claimed ${approvalId} but it held no task token`);
        return { kind: 'claimed', taskToken };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const item = error.Item;
        if (item === undefined) return { kind: 'missing' };
        const status = text(item, 'status');
        if (status === 'EXPIRED') return { kind: 'expired' };
        if (status === 'PENDING') {
          const expiresAt = text(item, 'expiresAt') ?? '';
          if (expiresAt <= record.decidedAt) return { kind: 'expired' };
          // The workflow registered the request but has not stored its token yet: a moment's work.
          return { kind: 'not-ready' };
        }
        return {
          kind: 'decided',
          decision: text(item, 'decision') === 'reject' ? 'reject' : 'approve',
          decidedBy: text(item, 'decidedBy') ?? 'unknown',
          decidedAt: text(item, 'decidedAt') ?? 'unknown',
        };
      }
    },
    async markExpired(approvalId, record) {
      const { ConditionExpression, values } = ours(record);
      await client
        .send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { approvalId: { S: approvalId } },
            UpdateExpression: 'SET #status = :expired',
            ConditionExpression,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ...values, ':expired': { S: 'EXPIRED' } },
          }),
        )
        .catch(ignoreLostRace);
    },
    async release(approvalId, taskToken, record) {
      const { ConditionExpression, values } = ours(record);
      await client
        .send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { approvalId: { S: approvalId } },
            UpdateExpression: 'SET #status = :pending, taskToken = :token REMOVE #decision, decidedBy, decidedAt, #comment',
            ConditionExpression,
            ExpressionAttributeNames: { '#status': 'status', '#decision': 'decision', '#comment': 'comment' },
            ExpressionAttributeValues: { ...values, ':pending': { S: 'PENDING' }, ':token': { S: taskToken } },
          }),
        )
        .catch(ignoreLostRace);
    },
  };
}

type Parsed = { ok: true; approvalId: string; record: DecisionRecord } | { ok: false; response: APIGatewayProxyStructuredResultV2 };

/** Reads the approval id, the decision and, from the IAM authorizer, who is deciding. */
export function parseRequest(event: APIGatewayProxyEventV2WithIAMAuthorizer, decidedAt: string): Parsed {
  // The route demands SigV4, so API Gateway has already checked the caller; this is defence in depth.
  const decidedBy = event.requestContext?.authorizer?.iam?.userArn;
  if (typeof decidedBy !== 'string' || decidedBy === '') {
    return { ok: false, response: json(401, { message: 'Sign the request with SigV4; the decision is recorded under your IAM identity.' }) };
  }
  const approvalId = event.pathParameters?.approvalId ?? '';
  if (!APPROVAL_ID.test(approvalId)) return { ok: false, response: json(400, { message: 'The approval id is 1-80 letters, digits, hyphens or underscores.' }) };
  let body: unknown;
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    body = JSON.parse(raw);
  } catch {
    return { ok: false, response: json(400, { message: 'Send a JSON body such as {"decision": "approve"}.' }) };
  }
  const { decision, comment } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (decision !== 'approve' && decision !== 'reject') {
    return { ok: false, response: json(400, { message: 'decision must be "approve" or "reject".' }) };
  }
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT_LENGTH)) {
    return { ok: false, response: json(400, { message: `comment must be a string of at most ${MAX_COMMENT_LENGTH} characters.` }) };
  }
  return { ok: true, approvalId, record: { decision, decidedBy, decidedAt, comment: comment ?? '' } };
}

export function createHandler(store: ApprovalStore, send: SendDecision, now: () => Date = () => new Date()) {
  return async (event: APIGatewayProxyEventV2WithIAMAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
    const parsed = parseRequest(event, now().toISOString());
    if (!parsed.ok) return parsed.response;
    const { approvalId, record } = parsed;
    const log = (level: string, message: string, extra: Record<string, unknown> = {}) =>
      console.log(JSON.stringify({ level, message, approvalId, decision: record.decision, decidedBy: record.decidedBy, ...extra }));
    try {
      const claim = await store.claim(approvalId, record);
      switch (claim.kind) {
        case 'missing':
          return json(404, { message: `No approval request ${approvalId}.` });
        case 'expired':
          return json(410, { approvalId, status: 'EXPIRED', message: 'The request expired before a decision arrived.' });
        case 'not-ready':
          return json(503, { message: 'The request is still being opened; send the same decision again shortly.' }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
        case 'decided': {
          const summary = { approvalId, decision: claim.decision, status: STATUS_FOR[claim.decision], decidedBy: claim.decidedBy, decidedAt: claim.decidedAt };
          // The same decision twice (a retry, or a second approver agreeing) changes nothing and says so.
          if (claim.decision === record.decision) return json(200, { ...summary, alreadyDecided: true });
          return json(409, { ...summary, message: `Already decided: ${claim.decision} by ${claim.decidedBy}.` });
        }
      }
      let delivery: 'delivered' | 'gone';
      try {
        delivery = await send(claim.taskToken, record);
      } catch (error) {
        log('ERROR', 'decision not delivered, request released', { error: String(error) });
        await store.release(approvalId, claim.taskToken, record);
        return json(503, { message: 'The workflow could not be reached; send the same decision again shortly.' }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
      }
      if (delivery === 'gone') {
        log('WARN', 'workflow stopped waiting before the decision arrived');
        await store.markExpired(approvalId, record);
        return json(410, { approvalId, status: 'EXPIRED', message: 'The request expired before a decision arrived.' });
      }
      log('INFO', 'decision delivered');
      return json(200, { approvalId, decision: record.decision, status: STATUS_FOR[record.decision], decidedBy: record.decidedBy, decidedAt: record.decidedAt });
    } catch (error) {
      // Log the cause for operators; keep table names and tokens out of the answer.
      log('ERROR', 'decision failed', { error: String(error) });
      return json(500, { message: 'The decision could not be recorded; nothing was sent to the workflow.' });
    }
  };
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

// Created once per execution environment, so warm invocations reuse the connections.
export const handler = createHandler(
  dynamoApprovalStore(new DynamoDBClient({}), process.env.APPROVALS_TABLE_NAME ?? ''),
  sfnSendDecision(new SFNClient({})),
);
