#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheXrayTracerStack } from '../lib/the-xray-tracer-stack';

const app = new App();
new TheXrayTracerStack(app, 'TheXrayTracerStack', {
  description: 'The X-Ray Tracer: one traced request through API Gateway, Lambda, SNS, SQS, DynamoDB and an external HTTP API.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
