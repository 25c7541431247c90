#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ProvisionedConcurrencyAutoscalingStack } from '../lib/provisioned-concurrency-autoscaling-stack';

const app = new App();
new ProvisionedConcurrencyAutoscalingStack(app, 'ProvisionedConcurrencyAutoscalingStack', {
  description: 'Provisioned concurrency with auto scaling: an HTTP API in front of a Lambda alias kept warm on a schedule and on utilisation.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
