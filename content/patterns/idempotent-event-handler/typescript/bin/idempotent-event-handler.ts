#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { IdempotentEventHandlerStack } from '../lib/idempotent-event-handler-stack';

const app = new App();
new IdempotentEventHandlerStack(app, 'IdempotentEventHandlerStack', {
  description:
    'Idempotent Event Handler: an SQS consumer charges each payment once, however often it is delivered, with Powertools idempotency on DynamoDB.',
});

// Both packs check every synth; an unacknowledged error fails it.
// Acknowledgements are written into the template so each reason ships with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
