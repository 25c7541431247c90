import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PLACEHOLDER_ZONE, resolveSettings } from '../lib/settings';

describe('resolveSettings', () => {
  test('falls back to a cheap single broker under a placeholder name', () => {
    assert.deepEqual(resolveSettings({}), {
      ...PLACEHOLDER_ZONE,
      domainName: 'mq.example.com',
      deploymentMode: 'SINGLE_INSTANCE',
      instanceType: 'mq.t3.micro',
      brokerCount: 1,
      placeholder: true,
    });
  });

  test('uses a real zone, normalising case and the trailing dot', () => {
    const settings = resolveSettings({ zoneName: 'Example.ORG.', hostedZoneId: ' Z123ABC ', recordName: 'Broker' });
    assert.equal(settings.zoneName, 'example.org');
    assert.equal(settings.hostedZoneId, 'Z123ABC');
    assert.equal(settings.domainName, 'broker.example.org');
    assert.equal(settings.placeholder, false);
  });

  test('sizes an active/standby pair with two broker IPs', () => {
    const settings = resolveSettings({ deploymentMode: 'active_standby_multi_az' });
    assert.equal(settings.deploymentMode, 'ACTIVE_STANDBY_MULTI_AZ');
    assert.equal(settings.instanceType, 'mq.m5.large');
    assert.equal(settings.brokerCount, 2);
  });

  test('refuses half a zone, bad names and unknown modes', () => {
    assert.throws(() => resolveSettings({ zoneName: 'example.org' }), /together/);
    assert.throws(() => resolveSettings({ hostedZoneId: 'Z123' }), /together/);
    assert.throws(() => resolveSettings({ zoneName: 'bad_zone.org', hostedZoneId: 'Z123' }), /not a valid zone name/);
    assert.throws(() => resolveSettings({ zoneName: 'example.org', hostedZoneId: 'abc' }), /not a hosted zone id/);
    assert.throws(() => resolveSettings({ recordName: 'a.b' }), /single DNS label/);
    assert.throws(() => resolveSettings({ recordName: '-mq' }), /single DNS label/);
    assert.throws(() => resolveSettings({ deploymentMode: 'CLUSTER_MULTI_AZ' }), /deploymentMode/);
    assert.throws(() => resolveSettings({ recordName: 7 }), /must be a string/);
  });
});
