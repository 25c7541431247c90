#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheDestinedLambdaStack } from '../lib/the-destined-lambda-stack';

const app = new App();
new TheDestinedLambdaStack(app, 'TheDestinedLambdaStack', {
  description: 'The Destined Lambda: API -> SNS -> Lambda, whose success and failure records go through Lambda Destinations to an EventBridge bus.',
});

// Both rule packs run on every synth, and an unacknowledged error stops it.
// Acknowledgements go into the template so each reason travels with the resource.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
