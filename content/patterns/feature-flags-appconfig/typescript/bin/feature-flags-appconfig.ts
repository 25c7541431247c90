#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { FeatureFlagsAppConfigStack } from '../lib/feature-flags-appconfig-stack';

const app = new App();
new FeatureFlagsAppConfigStack(app, 'FeatureFlagsAppConfigStack', {
  description: 'Feature flags with AppConfig: a Lambda function reads validated flags through the AppConfig Agent extension, rolled out gradually with alarm rollback.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
