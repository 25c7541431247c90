#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApiAuthorizationCognitoIamStack } from '../lib/api-authorization-cognito-iam-stack';

const app = new App();
new ApiAuthorizationCognitoIamStack(app, 'ApiAuthorizationCognitoIamStack', {
  description: 'API authorization with Cognito and IAM: one REST API, user pool scopes for people and SigV4 for services.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
