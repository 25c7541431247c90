import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { consumerBusArn, readRouting } from '../lib/routing';

const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

describe('routing context', () => {
  test('builds the consumer bus ARN from context alone', () => {
    const routing = readRouting(
      context({ producerAccount: '012345678901', consumerAccount: '210987654321', region: 'eu-west-1', consumerBusName: 'partner-orders' }),
    );
    assert.deepEqual(routing, { producerAccount: '012345678901', consumerAccount: '210987654321', region: 'eu-west-1', consumerBusName: 'partner-orders' });
    assert.equal(consumerBusArn(routing), 'arn:aws:events:eu-west-1:210987654321:event-bus/partner-orders');
  });

  test('falls back to placeholders that synthesize but no account can deploy', () => {
    const routing = readRouting(context({}));
    assert.equal(routing.producerAccount, '111111111111');
    assert.equal(routing.consumerAccount, '222222222222');
    assert.equal(consumerBusArn(routing), 'arn:aws:events:us-east-1:222222222222:event-bus/shipped-orders-inbound');
  });

  test('refuses account ids that are not twelve digits, or the same account twice', () => {
    assert.throws(() => readRouting(context({ producerAccount: '12345' })), /producerAccount must be a 12-digit/);
    assert.throws(() => readRouting(context({ consumerAccount: 123456789012 })), /must be a string/);
    assert.throws(() => readRouting(context({ producerAccount: '333333333333', consumerAccount: '333333333333' })), /same account/);
  });

  test('refuses a Region or bus name that would make a wrong ARN', () => {
    assert.throws(() => readRouting(context({ region: 'Ireland' })), /Region code/);
    assert.throws(() => readRouting(context({ consumerBusName: 'a/b' })), /custom bus name/);
    assert.throws(() => readRouting(context({ consumerBusName: 'default' })), /custom bus name/);
  });
});
