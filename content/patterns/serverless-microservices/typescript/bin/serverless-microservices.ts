#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ServerlessMicroservicesStack } from '../lib/serverless-microservices-stack';

const app = new App();
new ServerlessMicroservicesStack(app, 'ServerlessMicroservicesStack', {
  description: 'Serverless microservices: Orders and Inventory, each with its own API, functions and table, coordinating through events on one EventBridge bus.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
