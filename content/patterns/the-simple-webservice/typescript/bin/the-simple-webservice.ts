#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheSimpleWebserviceStack } from '../lib/the-simple-webservice-stack';

const app = new App();
new TheSimpleWebserviceStack(app, 'TheSimpleWebserviceStack', {
  description: 'The Simple Webservice: an HTTP API in front of a Lambda hit counter backed by DynamoDB.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
