#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { S3EventProcessingStack } from '../lib/s3-event-processing-stack';

const app = new App();
new S3EventProcessingStack(app, 'S3EventProcessingStack', {
  description: 'S3 Event Processing: uploads routed by size through EventBridge to an idempotent Lambda or a Step Functions Distributed Map.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
