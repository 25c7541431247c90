#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheDynamoStreamerStack } from '../lib/the-dynamo-streamer-stack';

const app = new App();
new TheDynamoStreamerStack(app, 'TheDynamoStreamerStack', {
  description: 'The Dynamo Streamer: a REST API writes straight to DynamoDB; a Lambda function reacts to the table stream.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
