#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { KinesisStreamProcessingStack } from '../lib/kinesis-stream-processing-stack';

const app = new App();
new KinesisStreamProcessingStack(app, 'KinesisStreamProcessingStack', {
  description: 'Kinesis Stream Processing: two Lambda consumers of one stream, one storing readings with partial batch responses, one summing tumbling windows into DynamoDB.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
