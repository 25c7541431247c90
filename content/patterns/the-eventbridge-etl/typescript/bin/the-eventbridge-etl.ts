#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheEventbridgeEtlStack } from '../lib/the-eventbridge-etl-stack';

const app = new App();
new TheEventbridgeEtlStack(app, 'TheEventbridgeEtlStack', {
  description: 'The EventBridge ETL: CSV files in S3 become row events that are transformed and loaded into DynamoDB.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
