import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SynthOutput, Template } from '../content';
import { equivalenceDifferences } from './equivalence';
import { fixtureTemplate } from './fixture-template';

const copy = (): Template => structuredClone(fixtureTemplate);
const output = (template: Template, findings: SynthOutput['findings'] = []): SynthOutput => ({ slug: 'demo', cdkVersion: '2.0.0', stacks: [{ name: 'DemoStack', template }], findings });

test('the same architecture with different handler code and asset hashes is equivalent', () => {
  const python = copy();
  Object.assign(python.Resources.Handler33333333!.Properties as object, { Code: { S3Key: 'other.zip' }, Handler: 'app.handler', Runtime: 'python3.13' });
  python.Resources.Handler33333333!.Metadata = { ...python.Resources.Handler33333333!.Metadata, 'aws:asset:path': 'asset.abc' };
  assert.deepEqual(equivalenceDifferences(output(copy()), output(python)), []);
});

test('a queue added to only one language is named', () => {
  const python = copy();
  python.Resources.Extra9E9E9E9E = { Type: 'AWS::SQS::Queue', Metadata: { 'aws:cdk:path': 'DemoStack/Extra/Resource' }, Properties: {} };
  assert.deepEqual(equivalenceDifferences(output(copy()), output(python)), ['DemoStack/Extra/Resource: resource only in python (AWS::SQS::Queue)']);
});

test('a different batch setting, IAM action or cdk-nag result is named with both values', () => {
  const python = copy();
  Object.assign(python.Resources.HandlerSqs8D8D8D8D!.Properties as object, { BatchSize: 5 });
  const statements = (python.Resources.HandlerRolePolicy2222!.Properties as { PolicyDocument: { Statement: { Action: string[] }[] } }).PolicyDocument.Statement;
  statements[0]!.Action.push('dynamodb:DeleteItem');
  const finding = { rule: 'AwsSolutions-IAM5', pack: 'AwsSolutions', level: 'suppressed' as const, stack: 'DemoStack', resource: 'x', path: 'DemoStack/HandlerRole/DefaultPolicy/Resource', message: 'why' };
  const diffs = equivalenceDifferences(output(copy(), [finding]), output(python, []));
  assert.ok(diffs.includes('DemoStack/Handler/SqsEventSource:DemoStackJobs/Resource BatchSize: setting only in python (5)'), diffs.join('\n'));
  assert.ok(diffs.some((d) => d.startsWith('DemoStack/Handler/Resource: iam differs:') && d.includes('dynamodb:DeleteItem')), diffs.join('\n'));
  assert.ok(diffs.includes('AwsSolutions-IAM5 DemoStack/HandlerRole/DefaultPolicy/Resource: cdk-nag only in typescript (suppressed)'), diffs.join('\n'));
});
