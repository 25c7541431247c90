#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheLambdaPowerTunerStack } from '../lib/the-lambda-power-tuner-stack';

const app = new App();
new TheLambdaPowerTunerStack(app, 'TheLambdaPowerTunerStack', {
  description: 'The Lambda Power Tuner: AWS Lambda Power Tuning from the Serverless Application Repository, scoped to a CPU-bound sample function.',
});

// Both packs check every synth; an unacknowledged error fails it.
// Acknowledgements are written into the template so each reason ships with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
