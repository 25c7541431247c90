import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

// What a ledger event looks like. The stack builds the API's request model from these rules,
// so API Gateway and the consumer agree on what a valid event is.
export const ACCOUNT_ID_PATTERN = '^[A-Za-z0-9-]{1,64}$';
export const EVENT_ID_PATTERN = '^[A-Za-z0-9_-]{1,128}$';
export const EVENT_TYPES = ['credit', 'debit'] as const;
/** Amounts are whole cents; the cap keeps one event from moving more than a million in one go. */
export const MAX_AMOUNT = 100_000_000;

export type EventType = (typeof EVENT_TYPES)[number];

export interface LedgerEvent {
  accountId: string;
  eventId: string;
  sequence: number;
  type: EventType;
  amount: number;
}

/** A message that can never succeed, however often it is retried. */
export class InvalidLedgerEvent extends Error {
  override name = 'InvalidLedgerEvent';
}

/** The event is ahead of the account: an earlier sequence number has not been applied yet. */
export class SequenceGap extends Error {
  override name = 'SequenceGap';
}

export type Outcome = 'applied' | 'ignored-replay';

const ACCOUNT_ID = new RegExp(ACCOUNT_ID_PATTERN);
const EVENT_ID = new RegExp(EVENT_ID_PATTERN);

/** Checks an SQS body against the same rules as the API's request model. */
export function parseLedgerEvent(body: string): LedgerEvent {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidLedgerEvent('body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidLedgerEvent('body is not a JSON object');
  }
  const { accountId, eventId, sequence, type, amount } = value as Record<string, unknown>;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) throw new InvalidLedgerEvent('accountId is missing or malformed');
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) throw new InvalidLedgerEvent('eventId is missing or malformed');
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) {
    throw new InvalidLedgerEvent('sequence must be a whole number of 1 or more');
  }
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    throw new InvalidLedgerEvent(`type must be one of ${EVENT_TYPES.join(', ')}`);
  }
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
    throw new InvalidLedgerEvent(`amount must be whole cents from 1 to ${MAX_AMOUNT}`);
  }
  return { accountId, eventId, sequence, type: type as EventType, amount };
}

/**
 * One conditional UpdateItem per event: it applies only if the event is the account's next
 * sequence number, so a replay (SQS's 5-minute deduplication window long gone) changes nothing.
 */
export function updateFor(tableName: string, event: LedgerEvent): UpdateItemCommandInput {
  const delta = event.type === 'credit' ? event.amount : -event.amount;
  const first = event.sequence === 1;
  return {
    TableName: tableName,
    Key: { accountId: { S: event.accountId } },
    UpdateExpression: 'SET balance = if_not_exists(balance, :zero) + :delta, lastSequence = :sequence, lastEventId = :eventId',
    ConditionExpression: first ? 'attribute_not_exists(accountId)' : 'lastSequence = :previous',
    ExpressionAttributeValues: {
      ':zero': { N: '0' },
      ':delta': { N: String(delta) },
      ':sequence': { N: String(event.sequence) },
      ':eventId': { S: event.eventId },
      ...(first ? {} : { ':previous': { N: String(event.sequence - 1) } }),
    },
    // On a refusal DynamoDB hands back the item, so telling a replay from a gap costs no extra read.
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

export type Sender = Pick<DynamoDBClient, 'send'>;

export async function applyEvent(client: Sender, tableName: string, event: LedgerEvent): Promise<Outcome> {
  try {
    await client.send(new UpdateItemCommand(updateFor(tableName, event)));
    return 'applied';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const last = Number(error.Item?.lastSequence?.N ?? 0);
    if (event.sequence <= last) return 'ignored-replay';
    throw new SequenceGap(`account ${event.accountId} is at sequence ${last}; event ${event.eventId} has ${event.sequence}`);
  }
}

export type Apply = (event: LedgerEvent) => Promise<Outcome>;

function log(level: 'INFO' | 'ERROR', message: string, fields: Record<string, unknown>) {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'ERROR') console.error(line);
  else console.info(line);
}

/**
 * Builds the SQS batch handler. A FIFO batch keeps each message group in order but may mix groups,
 * so once a message fails, every later message of the same group in the batch is reported too
 * (applying them would jump the queue), while other groups carry on.
 */
export function createHandler(apply: Apply) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const blockedGroups = new Set<string>();
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const record of event.Records) {
      const group = record.attributes.MessageGroupId ?? '';
      const context = { sqsMessageId: record.messageId, messageGroupId: group, receiveCount: Number(record.attributes.ApproximateReceiveCount) };
      if (blockedGroups.has(group)) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        log('INFO', 'held back behind a failed message of its group', context);
        continue;
      }
      try {
        const ledgerEvent = readRecord(record);
        const outcome = await apply(ledgerEvent);
        log('INFO', outcome === 'applied' ? 'ledger event applied' : 'ledger event ignored as a replay', {
          ...context,
          eventId: ledgerEvent.eventId,
          sequence: ledgerEvent.sequence,
        });
      } catch (error) {
        blockedGroups.add(group);
        batchItemFailures.push({ itemIdentifier: record.messageId });
        log('ERROR', 'ledger event failed; its group waits', { ...context, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    return { batchItemFailures };
  };
}

function readRecord(record: SQSRecord): LedgerEvent {
  const ledgerEvent = parseLedgerEvent(record.body);
  // The API sets the group from accountId; anything else could interleave one account's events.
  if (ledgerEvent.accountId !== record.attributes.MessageGroupId) {
    throw new InvalidLedgerEvent('message group id does not match accountId');
  }
  return ledgerEvent;
}

// Created once per execution environment and reused by every invocation it serves.
const client = new DynamoDBClient({});

export const handler = createHandler((event) => applyEvent(client, process.env.TABLE_NAME ?? '', event));
