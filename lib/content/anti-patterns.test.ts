import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { beforeOutput, deployableOutput, rulePackProblems, rulePackResult } from './anti-patterns';
import type { Finding, SynthOutput } from './synth';

const stack = (name: string) => ({ name, template: { Resources: { Fn: { Type: 'AWS::Lambda::Function' } } } });
const finding = (stack: string, rule: string, level: Finding['level'] = 'error'): Finding => ({
  rule, pack: rule.split('-')[0]!, level, stack, resource: 'Fn', path: `${stack}/Fn/Resource`, message: level === 'suppressed' ? 'A reason.' : 'Found it.',
});
const output = (findings: Finding[], stacks = ['ChainedStack', 'WorkflowStack']): SynthOutput => ({ slug: 'x', cdkVersion: '2', stacks: stacks.map(stack), findings });

const anti = { kind: 'anti-pattern' as const, antiPattern: { rule: 'LambdaChaining', before: 'ChainedStack', after: 'WorkflowStack', insteadUse: ['the-state-machine'] } };
const plain = { kind: 'pattern' as const, antiPattern: undefined };

describe('deployableOutput and beforeOutput', () => {
  test('an anti-pattern deploys only its fix; the before stack and its findings are set apart', () => {
    const out = output([finding('ChainedStack', 'AntiPattern-LambdaChaining'), finding('WorkflowStack', 'AwsSolutions-L1', 'suppressed')]);
    assert.deepEqual(deployableOutput(anti, out).stacks.map((s) => s.name), ['WorkflowStack']);
    assert.deepEqual(deployableOutput(anti, out).findings.map((f) => f.rule), ['AwsSolutions-L1']);
    assert.deepEqual(beforeOutput(anti, out)?.stacks.map((s) => s.name), ['ChainedStack']);
  });
  test('a pattern deploys every stack and has no before', () => {
    const out = output([]);
    assert.equal(deployableOutput(plain, out), out);
    assert.equal(beforeOutput(plain, out), undefined);
  });
});

describe('rulePackProblems', () => {
  test('an anti-pattern whose before trips its rule and whose fix is silent passes', () => {
    const out = output([finding('ChainedStack', 'AntiPattern-LambdaChaining')]);
    assert.deepEqual(rulePackProblems(anti, out), []);
    assert.deepEqual(rulePackResult(anti, out).caught.map((f) => f.rule), ['AntiPattern-LambdaChaining']);
  });
  test('a before stack the pack does not catch fails, naming the rule and what it found', () => {
    const problems = rulePackProblems(anti, output([finding('ChainedStack', 'AntiPattern-LambdaMonolith')]));
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.field, 'antiPattern.rule');
    assert.match(problems[0]!.expected, /AntiPattern-LambdaChaining to flag the "before" stack ChainedStack; the pack reports AntiPattern-LambdaMonolith/);
  });
  test('a fix that trips the pack, or acknowledges it, fails', () => {
    const open = rulePackProblems(anti, output([finding('ChainedStack', 'AntiPattern-LambdaChaining'), finding('WorkflowStack', 'AntiPattern-LambdaChaining')]));
    assert.deepEqual(open.map((p) => p.field), ['WorkflowStack: WorkflowStack/Fn/Resource']);
    const waived = rulePackProblems(anti, output([finding('ChainedStack', 'AntiPattern-LambdaChaining'), finding('WorkflowStack', 'AntiPattern-LambdaChaining', 'suppressed')]));
    assert.match(waived[0]!.expected, /pass AntiPattern-LambdaChaining outright/);
  });
  test('stack ids the app does not synthesize are named', () => {
    const problems = rulePackProblems(anti, output([], ['OtherStack']));
    assert.deepEqual(problems.map((p) => p.field), ['antiPattern.before', 'antiPattern.after']);
  });
  test('a pattern may trip a rule only with a written reason', () => {
    assert.deepEqual(rulePackProblems(plain, output([finding('WorkflowStack', 'AntiPattern-LambdaMonolith', 'suppressed')])), []);
    const problems = rulePackProblems(plain, output([finding('WorkflowStack', 'AntiPattern-LambdaMonolith')]));
    assert.match(problems[0]!.expected, /acknowledge the rule on it with a written reason/);
  });
  test('other packs are not this check’s business', () => {
    assert.deepEqual(rulePackProblems(plain, output([finding('WorkflowStack', 'AwsSolutions-IAM5')])), []);
  });
});
