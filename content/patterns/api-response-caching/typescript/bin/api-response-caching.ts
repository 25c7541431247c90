#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApiResponseCachingStack } from '../lib/api-response-caching-stack';

const app = new App();
new ApiResponseCachingStack(app, 'ApiResponseCachingStack', {
  description: 'API response caching: a REST API stage cache in front of a Lambda catalog reader backed by DynamoDB.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
