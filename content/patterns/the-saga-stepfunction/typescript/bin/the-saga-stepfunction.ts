#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheSagaStepfunctionStack } from '../lib/the-saga-stepfunction-stack';

const app = new App();
new TheSagaStepfunctionStack(app, 'TheSagaStepfunctionStack', {
  description: 'The Saga Step Function: a trip booking saga with compensating steps, started from a REST API.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
