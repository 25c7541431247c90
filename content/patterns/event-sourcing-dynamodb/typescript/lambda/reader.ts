import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type EventStoreConfig, type Sender, loadAggregate } from './event-store';
import { ACCOUNT_ID, json, logError } from './http';

export interface ReaderDeps extends EventStoreConfig {
  client: Sender;
}

/** GET /accounts/{accountId}[?asOfVersion=n]: the state rebuilt from the latest snapshot and the events after it. */
export function createReadHandler(deps: ReaderDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const accountId = event.pathParameters?.accountId ?? '';
    if (!ACCOUNT_ID.test(accountId)) return json(400, { error: 'ValidationFailed', message: 'accountId must be 1 to 64 letters, digits, - or _.' });
    const rawAsOf = event.queryStringParameters?.asOfVersion;
    let asOf: number | undefined;
    if (rawAsOf !== undefined) {
      if (!/^[1-9][0-9]{0,8}$/.test(rawAsOf)) return json(400, { error: 'ValidationFailed', message: 'asOfVersion must be a positive whole number.' });
      asOf = Number(rawAsOf);
    }
    try {
      const loaded = await loadAggregate(deps.client, deps, accountId, asOf);
      if (loaded.version === 0) return json(404, { error: 'AccountNotFound', message: 'No events recorded for this account.' });
      return json(200, {
        accountId,
        version: loaded.version,
        owner: loaded.state.owner,
        balance: loaded.state.balance,
        rebuiltFrom: { snapshotVersion: loaded.snapshotVersion, eventsReplayed: loaded.eventsReplayed },
      });
    } catch (error) {
      logError('read failed', { accountId, error: String(error) });
      return json(500, { error: 'InternalError', message: 'The account service is unavailable right now.' });
    }
  };
}

export const handler = createReadHandler({
  client: new DynamoDBClient({}),
  eventsTable: process.env.EVENTS_TABLE_NAME ?? '',
  snapshotsTable: process.env.SNAPSHOTS_TABLE_NAME ?? '',
});
