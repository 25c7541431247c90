#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApiRequestValidationStack } from '../lib/api-request-validation-stack';

const app = new App();
new ApiRequestValidationStack(app, 'ApiRequestValidationStack', {
  description: 'Request Validation: API Gateway checks bodies and query strings against models before a Lambda function prices a stay.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
