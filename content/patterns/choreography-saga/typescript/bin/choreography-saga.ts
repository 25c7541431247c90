#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ChoreographySagaStack } from '../lib/choreography-saga-stack';

const app = new App();
new ChoreographySagaStack(app, 'ChoreographySagaStack', {
  description: 'Choreography Saga: orders, payments and inventory services settle an order through events on one EventBridge bus, compensating on failure with no coordinator.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
