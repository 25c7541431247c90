#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ThePredictiveLambdaStack } from '../lib/the-predictive-lambda-stack';

const app = new App();
new ThePredictiveLambdaStack(app, 'ThePredictiveLambdaStack', {
  description: 'The Predictive Lambda: an HTTP API in front of a Python Lambda container image serving an Iris classifier.',
});

// Both packs check every synth; an unacknowledged error fails it.
// Acknowledgements are written into the template so each reason ships with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
