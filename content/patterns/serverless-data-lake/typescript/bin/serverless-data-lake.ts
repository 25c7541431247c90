#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ServerlessDataLakeStack } from '../lib/serverless-data-lake-stack';

const app = new App();
new ServerlessDataLakeStack(app, 'ServerlessDataLakeStack', {
  description: 'Serverless data lake: raw and curated S3 zones, a Lambda transform on arrival, a Glue table with partition projection and an Athena workgroup.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
