// THE ANTI-PATTERN. This is the handler a busy team writes when a report has to come back from
// Athena: start the query, then sleep and ask again until it is done. It works, which is why it
// survives review; the page explains what it costs and what to use instead.
import { setTimeout as sleepFor } from 'node:timers/promises';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type ResultSet,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';

/** The three Athena calls the handler makes; tests pass a stub. */
export type AthenaCalls = {
  start(command: StartQueryExecutionCommand): Promise<StartQueryExecutionCommandOutput>;
  status(command: GetQueryExecutionCommand): Promise<GetQueryExecutionCommandOutput>;
  results(command: GetQueryResultsCommand): Promise<GetQueryResultsCommandOutput>;
};

export type ReportSettings = { sql: string; workGroup: string; database: string; pollEveryMs: number };

export type Report = { queryExecutionId: string; polls: number; rows: Record<string, string | null>[] };

/** Athena's first result row holds the column names; every row after it is one record. */
export function toRecords(resultSet: ResultSet | undefined): Record<string, string | null>[] {
  const [header, ...rows] = resultSet?.Rows ?? [];
  const names = (header?.Data ?? []).map((cell, i) => cell.VarCharValue ?? `column${i}`);
  return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row.Data?.[i]?.VarCharValue ?? null])));
}

export async function runReport(athena: AthenaCalls, settings: ReportSettings, sleep: (ms: number) => Promise<unknown>): Promise<Report> {
  const started = await athena.start(
    new StartQueryExecutionCommand({
      QueryString: settings.sql,
      WorkGroup: settings.workGroup,
      QueryExecutionContext: { Database: settings.database },
    }),
  );
  const queryExecutionId = started.QueryExecutionId;
  if (!queryExecutionId) throw new Error('Athena returned no query execution id');

  // The wait. Every pass through this loop is billed Lambda time in which the function does
  // nothing, and the loop has no way out but the query ending or the function timing out.
  let polls = 0;
  for (;;) {
    await sleep(settings.pollEveryMs);
    polls += 1;
    const { QueryExecution } = await athena.status(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
    const state = QueryExecution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') {
      throw new Error(`Query ${queryExecutionId} ${state}: ${QueryExecution?.Status?.StateChangeReason ?? 'no reason given'}`);
    }
  }

  const results = await athena.results(new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, MaxResults: 100 }));
  return { queryExecutionId, polls, rows: toRecords(results.ResultSet) };
}

let client: AthenaClient | undefined;

export const handler = async (): Promise<Report> => {
  client ??= new AthenaClient({});
  const athena = client;
  const report = await runReport(
    {
      start: (command) => athena.send(command),
      status: (command) => athena.send(command),
      results: (command) => athena.send(command),
    },
    {
      sql: process.env.REPORT_SQL ?? '',
      workGroup: process.env.WORK_GROUP ?? '',
      database: process.env.DATABASE ?? '',
      pollEveryMs: Number(process.env.POLL_EVERY_MS ?? '2000'),
    },
    (ms) => sleepFor(ms),
  );
  console.log(JSON.stringify({ message: 'report ready', queryExecutionId: report.queryExecutionId, polls: report.polls, rows: report.rows.length }));
  return report;
};
