#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CanaryDeploymentsCodedeployStack } from '../lib/canary-deployments-codedeploy-stack';

const app = new App();
new CanaryDeploymentsCodedeployStack(app, 'CanaryDeploymentsCodedeployStack', {
  description: 'Canary deployments with CodeDeploy: a Lambda alias shifted in steps, checked by traffic hooks and rolled back on alarms.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
