#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { MaterializedViewProjectionStack } from '../lib/materialized-view-projection-stack';

const app = new App();
new MaterializedViewProjectionStack(app, 'MaterializedViewProjectionStack', {
  description: 'Materialized view projection: a Lambda function folds an append-only DynamoDB event table into a query-shaped view that can be rebuilt from history.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
