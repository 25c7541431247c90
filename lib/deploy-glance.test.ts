import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deployGlance, usd } from './deploy-glance';
import type { DeployFacts } from './proof/deploy-facts';

const facts = (over: Partial<DeployFacts>): DeployFacts => ({
  quotas: [], idle: [], leftovers: [], blockers: [], needsDocker: false, usesAssets: true, needsApiGatewayLogsRole: false, alarms: 0, types: [], stacks: ['S'], ...over,
});
const idle = (monthlyUsd: number | undefined, whileRunning = false) =>
  ({ stack: 'S', path: 'S/Thing/Resource', type: 'AWS::X::Y', basis: 'b', hourly: true, monthlyUsd, whileRunning }) as DeployFacts['idle'][number];

describe('deployGlance', () => {
  test('adds up what bills with no traffic, leaving out what only bills while running', () => {
    const glance = deployGlance(facts({ idle: [idle(32.4), idle(0.5), idle(99, true)] }));
    assert.equal(glance.idle.usd.toFixed(2), '32.90');
    assert.equal(glance.idle.openEnded, false);
  });
  test('says when an idle item has no fixed price', () => {
    assert.equal(deployGlance(facts({ idle: [idle(undefined)] })).idle.openEnded, true);
  });
  test('counts Regions it deploys in from the gaps', () => {
    const glance = deployGlance(facts({}), { everywhere: false, gaps: [{ region: 'x-1', types: ['AWS::X::Y'] }], unknown: [], source: 'cfn', regionCount: 30 });
    assert.deepEqual(glance.regions, { deploys: 29, of: 30 });
    assert.equal(deployGlance(facts({})).regions, undefined);
  });
  test('carries what deploying needs', () => {
    assert.deepEqual(deployGlance(facts({ needsDocker: true, alarms: 3, needsApiGatewayLogsRole: true })).needs, { docker: true, apiGatewayLogsRole: true, alarms: 3 });
  });
});

test('usd keeps cents below $10 and rounds above', () => {
  assert.equal(usd(0.5), '$0.50');
  assert.equal(usd(1234.4), '$1,234');
});
