#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheScalableWebhookStack } from '../lib/the-scalable-webhook-stack';

const app = new App();
new TheScalableWebhookStack(app, 'TheScalableWebhookStack', {
  description: 'The Scalable Webhook: a REST API queues webhooks in SQS; a Lambda capped at two copies writes them to DynamoDB.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
