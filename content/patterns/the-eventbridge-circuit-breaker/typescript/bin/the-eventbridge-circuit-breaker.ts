#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheEventbridgeCircuitBreakerStack } from '../lib/the-eventbridge-circuit-breaker-stack';

const app = new App();
new TheEventbridgeCircuitBreakerStack(app, 'TheEventbridgeCircuitBreakerStack', {
  description: 'The EventBridge Circuit Breaker: a REST API whose Lambda stops calling a failing dependency, fed by failure events.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
