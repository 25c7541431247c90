import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AccountCommand, CommandRejected, type RejectionCode, decide, replay } from './domain';
import {
  ConcurrencyConflict,
  type EventStoreConfig,
  type Sender,
  appendEvents,
  commandIdAt,
  crossesSnapshotBoundary,
  loadAggregate,
  saveSnapshot,
} from './event-store';
import { ACCOUNT_ID, json, logError } from './http';

const STATUS: Record<RejectionCode, number> = {
  ValidationFailed: 400,
  AccountNotFound: 404,
  AccountAlreadyOpen: 409,
  InsufficientFunds: 422,
};
const COMMAND_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface CommandDeps extends EventStoreConfig {
  client: Sender;
  snapshotEvery: number;
  newCommandId?: () => string;
}

function parseCommand(name: string | undefined, body: Record<string, unknown>): AccountCommand {
  switch (name) {
    case 'open':
      return { type: 'open', owner: body.owner as string, initialDeposit: body.initialDeposit as number | undefined };
    case 'deposit':
      return { type: 'deposit', amount: body.amount as number };
    case 'withdraw':
      return { type: 'withdraw', amount: body.amount as number };
    default:
      throw new CommandRejected('ValidationFailed', 'The command must be open, deposit or withdraw.');
  }
}

export function createCommandHandler(deps: CommandDeps) {
  const newCommandId = deps.newCommandId ?? randomUUID;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const accountId = event.pathParameters?.accountId ?? '';
    if (!ACCOUNT_ID.test(accountId)) return json(400, { error: 'ValidationFailed', message: 'accountId must be 1 to 64 letters, digits, - or _.' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(event.body ?? '');
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    } catch {
      return json(400, { error: 'ValidationFailed', message: 'The body must be a JSON object.' });
    }
    const expectedVersion = body.expectedVersion;
    if (typeof expectedVersion !== 'number' || !Number.isInteger(expectedVersion) || expectedVersion < 0) {
      return json(400, { error: 'ValidationFailed', message: 'expectedVersion (the version you last read; 0 for a new account) is required.' });
    }
    if (body.commandId !== undefined && (typeof body.commandId !== 'string' || !COMMAND_ID.test(body.commandId))) {
      return json(400, { error: 'ValidationFailed', message: 'commandId must be 1 to 64 letters, digits, - or _.' });
    }
    const commandId = (body.commandId as string | undefined) ?? newCommandId();

    // A retry of a command that already landed finds its own id on the event it wrote.
    const conflictOrReplay = async (currentVersion: number) => {
      if (body.commandId !== undefined && (await commandIdAt(deps.client, deps, accountId, expectedVersion + 1)) === commandId) {
        const now = await loadAggregate(deps.client, deps, accountId);
        return json(200, { accountId, commandId, replayed: true, version: now.version, state: view(now.state) });
      }
      return json(409, {
        error: 'ConcurrencyConflict',
        message: 'The account changed since you read it: read it again and retry.',
        expectedVersion,
        currentVersion,
      });
    };

    try {
      const command = parseCommand(event.pathParameters?.command, body);
      const loaded = await loadAggregate(deps.client, deps, accountId);
      if (loaded.version !== expectedVersion) return await conflictOrReplay(loaded.version);
      const events = decide(command, loaded.state);
      let version: number;
      try {
        version = await appendEvents(deps.client, deps, accountId, expectedVersion, events, commandId);
      } catch (error) {
        if (error instanceof ConcurrencyConflict) return await conflictOrReplay(expectedVersion + 1);
        throw error;
      }
      const state = replay(events, loaded.state);
      if (crossesSnapshotBoundary(expectedVersion, version, deps.snapshotEvery)) {
        // The events are committed; a lost snapshot only makes later loads replay more.
        await saveSnapshot(deps.client, deps, accountId, version, state).catch((error: unknown) =>
          logError('snapshot write failed', { accountId, version, error: String(error) }),
        );
      }
      return json(201, { accountId, commandId, version, events: events.map((e) => e.type), state: view(state) });
    } catch (error) {
      if (error instanceof CommandRejected) return json(STATUS[error.code], { error: error.code, message: error.message });
      logError('command failed', { accountId, error: String(error) });
      return json(500, { error: 'InternalError', message: 'The account service is unavailable right now.' });
    }
  };
}

function view(state: { owner: string | null; balance: number }) {
  return { owner: state.owner, balance: state.balance };
}

// Created once per execution environment, so warm invocations reuse the connection.
export const handler = createCommandHandler({
  client: new DynamoDBClient({}),
  eventsTable: process.env.EVENTS_TABLE_NAME ?? '',
  snapshotsTable: process.env.SNAPSHOTS_TABLE_NAME ?? '',
  snapshotEvery: Number(process.env.SNAPSHOT_EVERY ?? '50'),
});
