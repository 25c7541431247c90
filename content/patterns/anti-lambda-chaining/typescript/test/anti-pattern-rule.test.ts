import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ServerlessAntiPatternChecks } from 'cdk-nag-serverless-anti-patterns';
import { CheckoutWorkflowStack } from '../lib/anti-lambda-chaining-stack';
import { ChainedCheckoutStack } from '../lib/before-stack';
import { appFromCdkJson } from './cdk-app';

/** Every AntiPattern finding on a synthesized stack, as `rule path`. */
function antiPatternFindings(stack: Stack): string[] {
  Template.fromStack(stack); // synthesize, so assets are staged as in `cdk synth`
  const report = new ServerlessAntiPatternChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)).sort();
}

describe('the AntiPattern pack', () => {
  test('flags PlaceOrder in the before stack with AntiPattern-LambdaChaining', () => {
    const findings = antiPatternFindings(new ChainedCheckoutStack(appFromCdkJson(), 'ChainedCheckoutStack'));
    assert.deepEqual(findings, ['AntiPattern-LambdaChaining ChainedCheckoutStack/PlaceOrder/Resource']);
  });

  test('finds no anti-pattern in the after stack', () => {
    assert.deepEqual(antiPatternFindings(new CheckoutWorkflowStack(appFromCdkJson(), 'CheckoutWorkflowStack')), []);
  });
});
