import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ServerlessAntiPatternChecks } from 'cdk-nag-serverless-anti-patterns';
import { InventoryWorkflowStack } from '../lib/anti-recursive-lambda-stack';
import { RecursiveInventoryStack } from '../lib/before-stack';
import { appFromCdkJson } from './cdk-app';

/** Every AntiPattern finding on a synthesized stack, as "rule path". */
function findings(stack: Stack): string[] {
  Template.fromStack(stack); // synthesize, so assets are staged as in `cdk synth`
  const report = new ServerlessAntiPatternChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)).sort();
}

describe('the anti-pattern rule pack', () => {
  test('flags the function of the before stack with AntiPattern-RecursiveLambda', () => {
    const stack = new RecursiveInventoryStack(appFromCdkJson({ 'aws:cdk:enable-asset-metadata': true }), 'RecursiveInventoryStack');
    assert.deepEqual(findings(stack), ['AntiPattern-RecursiveLambda RecursiveInventoryStack/CountPage/Resource']);
  });

  test('stays silent on the fix', () => {
    const stack = new InventoryWorkflowStack(appFromCdkJson({ 'aws:cdk:enable-asset-metadata': true }), 'InventoryWorkflowStack');
    assert.deepEqual(findings(stack), []);
  });
});
