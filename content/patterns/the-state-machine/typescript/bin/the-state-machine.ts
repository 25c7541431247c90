#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheStateMachineStack } from '../lib/the-state-machine-stack';

const app = new App();
new TheStateMachineStack(app, 'TheStateMachineStack', {
  description: 'The State Machine: an HTTP API starts an Express Step Functions order workflow directly.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
