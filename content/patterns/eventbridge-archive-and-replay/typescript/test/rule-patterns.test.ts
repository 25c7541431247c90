import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { EventbridgeArchiveAndReplayStack } from '../lib/eventbridge-archive-and-replay-stack';
import { appFromCdkJson } from './cdk-app';
import { matches } from './event-pattern';
import { delivered, entries, withDetail } from './order-events';

type Pattern = Record<string, unknown>;

// The patterns are read from the synthesized template, so these tests judge what is deployed.
describe('the deployed event patterns', () => {
  let archive: Pattern;
  let rules: Map<string, Pattern>;

  before(() => {
    const template = Template.fromStack(new EventbridgeArchiveAndReplayStack(appFromCdkJson(), 'Patterns-Under-Test')).toJSON();
    const resources = Object.entries(template.Resources as Record<string, { Type: string; Properties: { EventPattern: Pattern } }>);
    archive = resources.find(([, r]) => r.Type === 'AWS::Events::Archive')![1].Properties.EventPattern;
    rules = new Map(
      resources
        .filter(([, r]) => r.Type === 'AWS::Events::Rule')
        .map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties.EventPattern]),
    );
    assert.deepEqual([...rules.keys()].sort(), ['LedgerRule', 'NotifierRule']);
  });

  const [web, pos] = entries('orders.json').map((e) => delivered(e));
  const [app] = entries('missed-order.json').map((e) => delivered(e));
  const replayed = [...entries('orders.json'), ...entries('missed-order.json')].map((e) => delivered(e, { replayName: 'fill-ledger-gap' }));
  const cancelled = { ...web, 'detail-type': 'OrderCancelled' };
  const foreign = { ...web, source: 'com.example.inventory', 'detail-type': 'OrderReserved' };

  test('archives every order lifecycle event and nothing from other sources', () => {
    for (const event of [web, pos, app, cancelled]) assert.equal(matches(archive, event), true, event['detail-type']);
    assert.equal(matches(archive, foreign), false);
    assert.equal(matches(archive, { ...web, 'detail-type': 'InvoiceIssued' }), false);
  });

  test('the ledger rule takes every OrderPlaced event, live or replayed, from any channel', () => {
    const ledger = rules.get('LedgerRule')!;
    for (const event of [web, pos, app, ...replayed]) assert.equal(matches(ledger, event), true, JSON.stringify(event.detail));
    assert.equal(matches(ledger, cancelled), false);
    assert.equal(matches(ledger, foreign), false);
  });

  test('the notifier rule takes live web and app orders, never an in-store or a replayed one', () => {
    const notifier = rules.get('NotifierRule')!;
    assert.equal(matches(notifier, web), true);
    assert.equal(matches(notifier, app), true);
    assert.equal(matches(notifier, pos), false, 'in-store orders get a printed receipt');
    for (const event of replayed) assert.equal(matches(notifier, event), false, `replayed ${JSON.stringify(event.detail)}`);
    assert.equal(matches(notifier, withDetail(web, { channel: undefined })), false, 'no channel, no e-mail');
    assert.equal(matches(notifier, cancelled), false);
  });

  test('a replay sent to every rule on the bus still reaches only the ledger', () => {
    for (const event of replayed) {
      const reached = [...rules].filter(([, pattern]) => matches(pattern, event)).map(([id]) => id);
      assert.deepEqual(reached, ['LedgerRule']);
    }
  });
});
