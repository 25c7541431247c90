import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { ServerlessAntiPatternChecks } from 'cdk-nag-serverless-anti-patterns';
import { SinglePurposeShopStack } from '../lib/anti-lambda-monolith-stack';
import { MonolithShopStack } from '../lib/before-stack';
import { appFromCdkJson } from './cdk-app';

describe('the anti-pattern rule pack', () => {
  test('flags the monolith stack with AntiPattern-LambdaMonolith on the ShopApi function', () => {
    const stack = new MonolithShopStack(appFromCdkJson(), 'MonolithShopStack');
    Template.fromStack(stack);
    const report = new ServerlessAntiPatternChecks().validateScope(stack);
    const found = report.violations.flatMap((v) => v.violatingResources.map((r) => [v.ruleName, r.constructPath]));
    assert.deepEqual(found, [['AntiPattern-LambdaMonolith', 'MonolithShopStack/ShopApi/Resource']]);
  });

  test('finds no anti-pattern in the single-purpose stack', () => {
    const stack = new SinglePurposeShopStack(appFromCdkJson(), 'SinglePurposeShopStack');
    Template.fromStack(stack);
    const report = new ServerlessAntiPatternChecks().validateScope(stack);
    assert.deepEqual(report.violations.map((v) => v.ruleName), []);
  });
});
