import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../content';
import { groupByRule, pillarOfRule, reviewSummary } from './review';

const f = (rule: string, level: Finding['level'], path: string, message = 'why'): Finding => ({
  rule, pack: rule.split('-')[0]!, level, stack: 'S', resource: path.split('/')[1]!, path, message,
});

describe('review', () => {
  test('rules are filed under the pillar they concern', () => {
    assert.equal(pillarOfRule('AwsSolutions-IAM5[Resource::*]'), 'security');
    assert.equal(pillarOfRule('Serverless-LambdaDLQ'), 'reliability');
    assert.equal(pillarOfRule('AwsSolutions-APIG6'), 'operational-excellence');
    assert.equal(pillarOfRule('Serverless-LambdaTracing'), 'operational-excellence');
  });
  test('findings group by rule with every resource and distinct reason; errors first', () => {
    const groups = groupByRule([
      f('Serverless-LambdaDLQ', 'suppressed', 'S/A/Resource', 'sync'),
      f('Serverless-LambdaDLQ', 'suppressed', 'S/B/Resource', 'sync'),
      f('AwsSolutions-S1', 'error', 'S/Bucket/Resource', 'no logs'),
    ]);
    assert.deepEqual(groups.map((g) => [g.rule, g.level, g.resources, g.reasons]), [
      ['AwsSolutions-S1', 'error', ['Bucket'], []],
      ['Serverless-LambdaDLQ', 'suppressed', ['A', 'B'], ['sync']],
    ]);
  });
  test('the summary counts errors and suppressed rules, ignoring CDK template-lint entries', () => {
    const s = reviewSummary([
      f('AwsSolutions-APIG4', 'suppressed', 'S/Api/Resource'),
      f('AwsSolutions-APIG4', 'suppressed', 'S/Api/Method'),
      f('CloudFormation-Validate::W3010', 'suppressed', 'S/Vpc/Resource'),
      f('Serverless-LambdaDLQ', 'error', 'S/Fn/Resource'),
    ]);
    assert.deepEqual(s, { errors: 1, warnings: 0, suppressed: 1 });
  });
});
