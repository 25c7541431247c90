#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { SinglePurposeShopStack } from '../lib/anti-lambda-monolith-stack';
import { MonolithShopStack } from '../lib/before-stack';

const app = new App();

// The fix: what `npx cdk deploy` deploys.
new SinglePurposeShopStack(app, 'SinglePurposeShopStack', {
  description: 'Lambda monolith, the fix: the shop API with one single-purpose function per route, each with its own role, sizing and log group.',
});

// The anti-pattern, only with `-c antiPattern=before`: to synthesize and read, not to run.
if (app.node.tryGetContext('antiPattern') === 'before') {
  new MonolithShopStack(app, 'MonolithShopStack', {
    description: 'Lambda monolith (ANTI-PATTERN, not for deployment): the shop API as one function behind ANY /{proxy+} that routes in code under one role holding every route\'s permissions.',
  });
}

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
