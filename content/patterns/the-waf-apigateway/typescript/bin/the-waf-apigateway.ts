#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheWafApigatewayStack } from '../lib/the-waf-apigateway-stack';

const app = new App();
new TheWafApigatewayStack(app, 'TheWafApigatewayStack', {
  description: 'The WAF API Gateway: a WAFv2 web ACL with managed rules and a rate limit in front of a REST API stage.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
