#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { PowertoolsObservabilityStack } from '../lib/powertools-observability-stack';

const app = new App();
new PowertoolsObservabilityStack(app, 'PowertoolsObservabilityStack', {
  description: 'Powertools observability: an order API with structured logs, EMF business metrics, X-Ray traces, a dashboard and alarms.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
