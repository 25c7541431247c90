#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EventSourcingDynamodbStack } from '../lib/event-sourcing-dynamodb-stack';

const app = new App();
new EventSourcingDynamodbStack(app, 'EventSourcingDynamodbStack', {
  description: 'Event store in DynamoDB: bank-account commands appended as versioned events with optimistic concurrency and snapshots.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
