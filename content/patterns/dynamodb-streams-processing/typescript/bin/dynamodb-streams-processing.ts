#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { DynamodbStreamsProcessingStack } from '../lib/dynamodb-streams-processing-stack';

const app = new App();
new DynamodbStreamsProcessingStack(app, 'DynamodbStreamsProcessingStack', {
  description: 'DynamoDB Streams Processing: filtered stream consumers keep per-customer order totals and audit deletions.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
