#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { MapStateDynamicParallelismStack } from '../lib/map-state-dynamic-parallelism-stack';

const app = new App();
new MapStateDynamicParallelismStack(app, 'MapStateDynamicParallelismStack', {
  description: 'Map state dynamic parallelism: an inline Map for short order lists and a Distributed Map over an S3 manifest for long ones.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
