import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand} from '@aws-sdk/client-athena';
import {
  type GetQueryExecutionCommandOutput,
  type GetQueryResultsCommandOutput,
  type QueryExecutionState,
  type StartQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';
import { type AthenaCalls, runReport, toRecords } from '../lambda/run-report';
import { REPORT_SQL } from '../lib/report-data';

const SETTINGS = { sql: REPORT_SQL, workGroup: 'PollingReportStack-reports', database: 'pollingreportstack_reports', pollEveryMs: 2000 };

const ROWS: GetQueryResultsCommandOutput = {
  $metadata: {},
  ResultSet: {
    Rows: [
      { Data: [{ VarCharValue: 'day' }, { VarCharValue: 'currency' }, { VarCharValue: 'orders' }, { VarCharValue: 'revenue' }] },
      { Data: [{ VarCharValue: '2026-12-02' }, { VarCharValue: 'EUR' }, { VarCharValue: '2' }, { VarCharValue: '55.5' }] },
      { Data: [{ VarCharValue: '2026-12-01' }, { VarCharValue: 'USD' }, { VarCharValue: '1' }, {}] },
    ],
  },
};

/** Athena as the handler sees it: the query goes through the given states, one per status call. */
function fakeAthena(states: QueryExecutionState[], reason?: string) {
  const calls: { start: StartQueryExecutionCommand[]; status: GetQueryExecutionCommand[]; results: GetQueryResultsCommand[] } = { start: [], status: [], results: [] };
  const athena: AthenaCalls = {
    start: async (command) => {
      calls.start.push(command);
      return { $metadata: {}, QueryExecutionId: 'q-1' } satisfies StartQueryExecutionCommandOutput;
    },
    status: async (command) => {
      calls.status.push(command);
      const State = states[Math.min(calls.status.length - 1, states.length - 1)];
      return { $metadata: {}, QueryExecution: { QueryExecutionId: 'q-1', Status: { State, StateChangeReason: reason } } } satisfies GetQueryExecutionCommandOutput;
    },
    results: async (command) => {
      calls.results.push(command);
      return ROWS;
    },
  };
  return { athena, calls };
}

describe('run-report (the anti-pattern handler)', () => {
  test('starts the fixed report in the workgroup and database it is given', async () => {
    const { athena, calls } = fakeAthena(['SUCCEEDED']);
    await runReport(athena, SETTINGS, async () => undefined);
    assert.equal(calls.start.length, 1);
    assert.deepEqual(calls.start[0]!.input, {
      QueryString: REPORT_SQL,
      WorkGroup: 'PollingReportStack-reports',
      QueryExecutionContext: { Database: 'pollingreportstack_reports' },
    });
  });

  test('sleeps and asks again until the query succeeds, then reads its rows', async () => {
    const { athena, calls } = fakeAthena(['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    const sleeps: number[] = [];
    const report = await runReport(athena, SETTINGS, async (ms) => sleeps.push(ms));
    // Five status calls, each after a two-second sleep: ten seconds billed for waiting.
    assert.equal(report.polls, 5);
    assert.deepEqual(sleeps, [2000, 2000, 2000, 2000, 2000]);
    assert.ok(calls.status.every((c) => c.input.QueryExecutionId === 'q-1'));
    assert.deepEqual(calls.results[0]!.input, { QueryExecutionId: 'q-1', MaxResults: 100 });
    assert.deepEqual(report.rows, [
      { day: '2026-12-02', currency: 'EUR', orders: '2', revenue: '55.5' },
      { day: '2026-12-01', currency: 'USD', orders: '1', revenue: null },
    ]);
  });

  test('fails with the query state and reason when the query fails or is cancelled, without reading results', async () => {
    for (const state of ['FAILED', 'CANCELLED'] as const) {
      const { athena, calls } = fakeAthena(['RUNNING', state], 'Query exhausted resources');
      await assert.rejects(runReport(athena, SETTINGS, async () => undefined), new RegExp(`Query q-1 ${state}: Query exhausted resources`));
      assert.equal(calls.results.length, 0);
    }
  });

  test('turns the header row into field names and an empty result into no records', () => {
    assert.deepEqual(toRecords(ROWS.ResultSet), [
      { day: '2026-12-02', currency: 'EUR', orders: '2', revenue: '55.5' },
      { day: '2026-12-01', currency: 'USD', orders: '1', revenue: null },
    ]);
    assert.deepEqual(toRecords({ Rows: [ROWS.ResultSet!.Rows![0]!] }), []);
    assert.deepEqual(toRecords(undefined), []);
  });
});
