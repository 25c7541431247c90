#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheCloudwatchDashboardStack } from '../lib/the-cloudwatch-dashboard-stack';

const app = new App();
new TheCloudwatchDashboardStack(app, 'TheCloudwatchDashboardStack', {
  description: 'The CloudWatch Dashboard: a hit counter service (HTTP API, Lambda, DynamoDB) with a dashboard and alarms.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
