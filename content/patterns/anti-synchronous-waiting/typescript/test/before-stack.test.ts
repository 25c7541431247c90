import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { REPORT_SQL } from '../lib/report-data';
import { grantsOf, resourcesOfType, synthesize } from './template';

const { beforeTemplate: template } = synthesize();

describe('PollingReportStack (the anti-pattern)', () => {
  test('gives the polling function the longest timeout Lambda allows and a two-second poll', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({ REPORT_SQL, POLL_EVERY_MS: '2000', WORK_GROUP: 'PollingReportStack-reports', DATABASE: 'pollingreportstack_reports' }),
      },
    });
  });

  test("holds both halves of Athena's job API on the function role: start, and status", () => {
    const [[roleId]] = resourcesOfType(template, 'AWS::IAM::Role').filter(([id]) => id.startsWith('ReportRunnerRole')) as [[string, unknown]];
    const actions = grantsOf(template, roleId).map((g) => g.action);
    for (const action of ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults']) assert.ok(actions.includes(action), action);
    assert.ok(!actions.includes('athena:StopQueryExecution'));
  });
});
