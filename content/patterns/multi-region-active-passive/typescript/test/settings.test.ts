import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULTS, readSettings } from '../lib/settings';

const node = (context: Record<string, unknown>) => ({ tryGetContext: (key: string) => context[key] });

describe('readSettings', () => {
  test('falls back to placeholders that synthesize', () => {
    assert.deepEqual(readSettings(node({})), { ...DEFAULTS });
  });

  test('takes a zone and name from context, ignoring case and the trailing dot', () => {
    const settings = readSettings(node({ domainName: 'API.Shop.Example.net.', hostedZoneName: 'shop.example.net.', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }));
    assert.equal(settings.domainName, 'api.shop.example.net');
    assert.equal(settings.hostedZoneName, 'shop.example.net');
  });

  test('refuses a primary Region other than us-east-1, where Route 53 publishes health-check metrics', () => {
    assert.throws(() => readSettings(node({ primaryRegion: 'eu-west-1', secondaryRegion: 'eu-central-1' })), /primaryRegion must be us-east-1/);
  });

  test('refuses the same Region twice and a malformed Region', () => {
    assert.throws(() => readSettings(node({ secondaryRegion: 'us-east-1' })), /same Region/);
    assert.throws(() => readSettings(node({ secondaryRegion: 'oregon' })), /Region code/);
  });

  test('refuses a name outside the hosted zone and a malformed zone id', () => {
    assert.throws(() => readSettings(node({ domainName: 'api.example.org' })), /not inside the hosted zone/);
    assert.throws(() => readSettings(node({ hostedZoneId: 'example.com' })), /hosted zone id/);
  });
});
