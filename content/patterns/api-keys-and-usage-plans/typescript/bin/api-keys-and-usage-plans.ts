#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApiKeysAndUsagePlansStack } from '../lib/api-keys-and-usage-plans-stack';

const app = new App();
new ApiKeysAndUsagePlansStack(app, 'ApiKeysAndUsagePlansStack', {
  description: 'API Keys and Usage Plans: a REST API that needs a key on every method and meters each key by its tier.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
