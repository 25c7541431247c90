import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

/** The longest access window a request may ask for; the workflow's own timeout is sized from it. */
export const MAX_ACCESS_MINUTES = 480;
/** Approval ids are execution names: the safe subset that also reads well in a URL path. */
export const APPROVAL_ID = /^[A-Za-z0-9_-]{1,80}$/;
const REQUESTER = /^[A-Za-z0-9._@+-]{1,32}$/;
const RESOURCE = /^[A-Za-z0-9._:/@+-]{1,48}$/;
const MAX_REASON_LENGTH = 500;

/** Thrown for input the workflow must not carry on with; the state machine does not retry it. */
export class InvalidRequest extends Error {
  // Lambda reports `name` as the error type, and Step Functions matches Retry and Catch on it.
  override name = 'InvalidRequest';
}

/** Thrown when the approval id already belongs to an earlier request. */
export class DuplicateApproval extends Error {
  override name = 'DuplicateApproval';
}

/** What the workflow passes in: its own execution name and start time, the deadline, and the caller's input. */
export type RegisterEvent = { approvalId?: unknown; startedAt?: unknown; expiresAt?: unknown; request?: unknown };

export type AccessRequest = {
  approvalId: string;
  requester: string;
  resource: string;
  reason: string;
  durationMinutes: number;
  requestedAt: string;
  expiresAt: string;
};

export type Notification = { subject: string; message: string };

/** Stores the request as PENDING; the workflow adds the task token to the same item in its next step. */
export type PutPending = (request: AccessRequest) => Promise<void>;

/** One ISO-8601 UTC form with milliseconds everywhere, so DynamoDB can compare the strings. */
function isoInstant(value: unknown): string | undefined {
  // An instant needs its offset; a bare local time would mean a different moment on each machine.
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}

/** Checks everything at once and names every problem, so a caller fixes its input in one go. */
export function validate(event: RegisterEvent): AccessRequest {
  const problems: string[] = [];
  const input = (typeof event.request === 'object' && event.request !== null ? event.request : {}) as Record<string, unknown>;
  const { requester, resource, reason, durationMinutes } = input;
  const approvalId = event.approvalId;
  if (typeof approvalId !== 'string' || !APPROVAL_ID.test(approvalId)) {
    problems.push('the execution name must be 1-80 letters, digits, hyphens or underscores');
  }
  if (typeof requester !== 'string' || !REQUESTER.test(requester)) {
    problems.push('requester must be 1-32 letters, digits or . _ @ + -');
  }
  if (typeof resource !== 'string' || !RESOURCE.test(resource)) {
    problems.push('resource must be 1-48 letters, digits or . _ : / @ + -');
  }
  if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > MAX_REASON_LENGTH) {
    problems.push(`reason must be a non-empty string of at most ${MAX_REASON_LENGTH} characters`);
  }
  if (typeof durationMinutes !== 'number' || !Number.isInteger(durationMinutes) || durationMinutes < 1 || durationMinutes > MAX_ACCESS_MINUTES) {
    problems.push(`durationMinutes must be a whole number from 1 to ${MAX_ACCESS_MINUTES}`);
  }
  const requestedAt = isoInstant(event.startedAt);
  const expiresAt = isoInstant(event.expiresAt);
  if (requestedAt === undefined || expiresAt === undefined) problems.push('the workflow must pass its start time and the deadline');
  if (problems.length > 0) throw new InvalidRequest(problems.join('; '));
  return {
    approvalId: approvalId as string,
    requester: requester as string,
    resource: resource as string,
    reason: (reason as string).trim(),
    durationMinutes: durationMinutes as number,
    requestedAt: requestedAt as string,
    expiresAt: expiresAt as string,
  };
}

/** The approvers' message. It never carries the task token: that only exists once the workflow waits. */
export function notification(request: AccessRequest, apiUrl: string): Notification {
  const url = `${apiUrl.replace(/\/+$/, '')}/approvals/${request.approvalId}`;
  return {
    subject: `Access request from ${request.requester}`,
    message: [
      `${request.requester} asks for ${request.resource} for ${request.durationMinutes} minute${request.durationMinutes === 1 ? '' : 's'}.`,
      `Reason: ${request.reason}`,
      '',
      `Approval id: ${request.approvalId}`,
      `Decide before: ${request.expiresAt} (the request expires then)`,
      '',
      'Decide with a SigV4-signed request from an IAM identity that holds the ApproverPolicy:',
      `  POST ${url}`,
      '  {"decision": "approve"}  or  {"decision": "reject", "comment": "why"}',
      '',
      'This message holds no task token. The approval API records your decision under your IAM identity.',
    ].join('\n'),
  };
}

export function dynamoPutPending(client: DynamoDBClient, tableName: string): PutPending {
  return async (request) => {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            approvalId: { S: request.approvalId },
            status: { S: 'PENDING' },
            requester: { S: request.requester },
            resource: { S: request.resource },
            reason: { S: request.reason },
            durationMinutes: { N: String(request.durationMinutes) },
            requestedAt: { S: request.requestedAt },
            expiresAt: { S: request.expiresAt },
          },
          // A new id, or a retry of this same execution (same start time) rewriting what it wrote.
          // An execution name reused after an old request closed must not overwrite that record.
          ConditionExpression: 'attribute_not_exists(approvalId) OR requestedAt = :requestedAt',
          ExpressionAttributeValues: { ':requestedAt': { S: request.requestedAt } },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new DuplicateApproval(`approval id ${request.approvalId} already belongs to an earlier request`);
      }
      throw error;
    }
  };
}

export function createHandler(putPending: PutPending, apiUrl: string) {
  return async (event: RegisterEvent) => {
    const request = validate(event);
    await putPending(request);
    console.log(JSON.stringify({ level: 'INFO', message: 'request registered', approvalId: request.approvalId, requester: request.requester }));
    return { ...request, notification: notification(request, apiUrl) };
  };
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createHandler(
  dynamoPutPending(new DynamoDBClient({}), process.env.APPROVALS_TABLE_NAME ?? ''),
  process.env.APPROVAL_API_URL ?? '',
);
