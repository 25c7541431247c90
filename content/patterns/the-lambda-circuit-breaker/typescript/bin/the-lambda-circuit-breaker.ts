#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheLambdaCircuitBreakerStack } from '../lib/the-lambda-circuit-breaker-stack';

const app = new App();
new TheLambdaCircuitBreakerStack(app, 'TheLambdaCircuitBreakerStack', {
  description: 'The Lambda Circuit Breaker: an HTTP API whose Lambda wraps a flaky downstream in a breaker kept in DynamoDB.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
