import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { RecursiveInventoryStack } from '../lib/before-stack';
import { appFromCdkJson } from './cdk-app';

describe('RecursiveInventoryStack (the anti-pattern)', () => {
  let stack: RecursiveInventoryStack;
  let template: Template;

  before(() => {
    stack = new RecursiveInventoryStack(appFromCdkJson(), 'Before-Under-Test');
    template = Template.fromStack(stack);
  });

  test('lets the queue consumer send messages to the queue that invokes it, with loop detection turned off', () => {
    const queue = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('Pages') && !id.startsWith('PagesDlq'))!;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] }, BatchSize: 1 });
    template.hasResourceProperties('AWS::Lambda::Function', { RecursiveLoop: 'Allow', Environment: { Variables: { PAGES_QUEUE_URL: { Ref: queue } } } });
    const sends = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => [s.Action].flat().includes('sqs:SendMessage'));
    assert.deepEqual(sends.map((s) => s.Resource), [{ 'Fn::GetAtt': [queue, 'Arn'] }]);
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const open = pack.validateScope(stack).violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});
