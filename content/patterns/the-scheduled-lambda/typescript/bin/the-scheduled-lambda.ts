#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheScheduledLambdaStack } from '../lib/the-scheduled-lambda-stack';

const app = new App();
new TheScheduledLambdaStack(app, 'TheScheduledLambdaStack', {
  description: 'The Scheduled Lambda: EventBridge Scheduler runs a Lambda every five minutes that records a heartbeat in DynamoDB.',
});

// Both rule packs run on every synth, and an unacknowledged error stops it.
// Acknowledgements go into the template so each reason travels with the resource.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
