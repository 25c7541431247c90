#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EventbridgePipesEnrichmentStack } from '../lib/eventbridge-pipes-enrichment-stack';

const app = new App();
new EventbridgePipesEnrichmentStack(app, 'EventbridgePipesEnrichmentStack', {
  description: 'EventBridge Pipes enrichment: an SQS queue filtered, enriched by a DynamoDB lookup and reshaped onto an event bus.',
});

// Both packs check every synth; an unacknowledged error fails it.
// Acknowledgements are written into the template so each reason ships with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
