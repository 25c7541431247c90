import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SynthOutput } from '../content';
import { snapshotDifference } from './snapshot-diff';

const output = (queueProps: Record<string, unknown>, extra: Record<string, unknown> = {}): SynthOutput => ({
  slug: 's',
  cdkVersion: '2.0.0',
  findings: [],
  stacks: [{ name: 'S', template: { Resources: { Queue1: { Type: 'AWS::SQS::Queue', Properties: queueProps }, ...extra } } as SynthOutput['stacks'][number]['template'] }],
});

test('names the stack, the first resource and the property that differ', () => {
  assert.equal(snapshotDifference(output({ VisibilityTimeout: 30 }), output({ VisibilityTimeout: 30 })), undefined);
  assert.equal(
    snapshotDifference(output({ VisibilityTimeout: 30 }), output({ VisibilityTimeout: 60 })),
    'stack S: resource Queue1 (AWS::SQS::Queue) property Properties.VisibilityTimeout: committed 30, synthesized 60',
  );
  assert.equal(snapshotDifference(output({}), output({}, { Dlq2: { Type: 'AWS::SQS::Queue' } })), 'stack S: resource Dlq2 (AWS::SQS::Queue) is new');
  assert.match(snapshotDifference(output({}, { Dlq2: { Type: 'AWS::SQS::Queue' } }), output({}))!, /Dlq2 \(AWS::SQS::Queue\) is no longer synthesized/);
});
