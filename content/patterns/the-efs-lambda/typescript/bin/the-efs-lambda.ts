#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheEfsLambdaStack } from '../lib/the-efs-lambda-stack';

const app = new App();
new TheEfsLambdaStack(app, 'TheEfsLambdaStack', {
  description: 'The EFS Lambda: an HTTP API and a Lambda function sharing a message wall on an encrypted EFS file system.',
});

// Both rule packs run on every synth; an unacknowledged error fails it.
// Acknowledged findings are written into the template together with their reasons.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
