#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { LambdaAuthorizerStack } from '../lib/lambda-authorizer-stack';

const app = new App();
new LambdaAuthorizerStack(app, 'LambdaAuthorizerStack', {
  description: 'Lambda Authorizer: a REST API whose every method requires an RS256 JWT verified against a JWKS by a Lambda TOKEN authorizer.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
