#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheSimpleGraphqlServiceStack } from '../lib/the-simple-graphql-service-stack';

const app = new App();
new TheSimpleGraphqlServiceStack(app, 'TheSimpleGraphqlServiceStack', {
  description: 'The Simple GraphQL Service: AppSync resolves customers from DynamoDB and a loyalty field with Lambda.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
