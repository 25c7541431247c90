#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { addActivePassiveStacks } from '../lib/multi-region-active-passive-stack';

// Context: domainName, hostedZoneName and hostedZoneId of a public hosted zone you own, and
// optionally secondaryRegion, tableName and alarmEmail. See lib/settings.ts for the defaults.
const app = new App();
addActivePassiveStacks(app);

// Registered on the app, so both packs check all three stacks; an unacknowledged error fails the synth.
// Acknowledged findings are written into the templates so their reasons travel with them.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
