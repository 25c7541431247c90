import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ChainedCheckoutStack } from '../lib/before-stack';
import { appFromCdkJson } from './cdk-app';

describe('ChainedCheckoutStack (the anti-pattern)', () => {
  let stack: ChainedCheckoutStack;
  let template: Template;
  const functionId = (prefix: string) => Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith(prefix))!;

  before(() => {
    stack = new ChainedCheckoutStack(appFromCdkJson(), 'Before-Under-Test');
    template = Template.fromStack(stack);
  });

  test('lets PlaceOrder invoke ChargePayment, with a timeout stacked on top of ChargePayment’s', () => {
    const placeOrder = template.findResources('AWS::Lambda::Function')[functionId('PlaceOrder')]!.Properties;
    const charge = template.findResources('AWS::Lambda::Function')[functionId('ChargePayment')]!.Properties;
    assert.deepEqual(placeOrder.Environment.Variables.CHARGE_PAYMENT_FUNCTION_NAME, { Ref: functionId('ChargePayment') });
    assert.equal(charge.Timeout, 10);
    assert.equal(placeOrder.Timeout, 30);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^PlaceOrderRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Resource: [{ 'Fn::GetAtt': [functionId('ChargePayment'), 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [functionId('ChargePayment'), 'Arn'] }, ':*']] }],
          }),
        ]),
      },
    });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged, so the chain is its only fault', () => {
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const open = pack.validateScope(stack).violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });
});
