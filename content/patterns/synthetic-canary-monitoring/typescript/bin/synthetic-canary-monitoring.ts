#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { SyntheticCanaryMonitoringStack } from '../lib/synthetic-canary-monitoring-stack';

const app = new App();
new SyntheticCanaryMonitoringStack(app, 'SyntheticCanaryMonitoringStack', {
  description: 'Synthetic canary monitoring: a CloudWatch Synthetics canary runs a create-read-delete journey against an HTTP API every five minutes and alarms when it fails.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
