#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheEventbridgeAtmStack } from '../lib/the-eventbridge-atm-stack';

const app = new App();
new TheEventbridgeAtmStack(app, 'TheEventbridgeAtmStack', {
  description: 'The EventBridge ATM: a REST API and producer Lambda put ATM transactions on a custom bus; four rules route them to consumers.',
});

// Both rule packs run on every synth, and an unacknowledged error stops it.
// Acknowledgements go into the template so each reason travels with the resource.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
