#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheRdsProxyStack } from '../lib/the-rds-proxy-stack';

const app = new App();
new TheRdsProxyStack(app, 'TheRdsProxyStack', {
  description: 'The RDS Proxy: an HTTP API and a VPC Lambda reaching MySQL through RDS Proxy with IAM authentication.',
});

// Both rule packs run on every synth; an unacknowledged error fails it.
// Acknowledged findings are written into the template together with their reasons.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
