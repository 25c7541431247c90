import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Stack } from 'aws-cdk-lib';
import { ServerlessAntiPatternChecks } from 'cdk-nag-serverless-anti-patterns';
import { synthesize } from './template';

// Synthesizing first stages the bundled handler, as `cdk synth` would.
const { before, after } = synthesize();

function findings(stack: Stack): { rule: string; path: string }[] {
  const report = new ServerlessAntiPatternChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: (r as { constructPath?: string }).constructPath ?? '' })));
}

describe('the anti-pattern rule pack', () => {
  test('flags the polling function of the before stack with AntiPattern-SynchronousWaiting', () => {
    assert.deepEqual(
      findings(before).filter((f) => f.rule === 'AntiPattern-SynchronousWaiting'),
      [{ rule: 'AntiPattern-SynchronousWaiting', path: 'PollingReportStack/ReportRunner/Resource' }],
    );
  });

  test('finds no anti-pattern at all in the fix', () => {
    assert.deepEqual(findings(after), []);
  });
});
