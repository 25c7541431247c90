#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheBigFanStack } from '../lib/the-big-fan-stack';

const app = new App();
new TheBigFanStack(app, 'TheBigFanStack', {
  description: 'The Big Fan: a REST API publishes order events to SNS, which filters them into two SQS queues with Lambda consumers.',
});

// Both packs check every synth; an unacknowledged error fails it.
// Acknowledgements are written into the template so each reason ships with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
