#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheFatLambdaStack, TheLambdaLithStack, TheSinglePurposeFunctionStack } from '../lib/the-lambda-trilogy-stack';

const app = new App();
// Three independent stacks over the same calculator, deployable side by side.
new TheSinglePurposeFunctionStack(app, 'TheSinglePurposeFunctionStack', {
  description: 'The Lambda Trilogy (1 of 3): a REST API with one single-purpose Lambda function per route.',
});
new TheFatLambdaStack(app, 'TheFatLambdaStack', {
  description: 'The Lambda Trilogy (2 of 3): a REST API whose routes all invoke one dispatching "fat" Lambda.',
});
new TheLambdaLithStack(app, 'TheLambdaLithStack', {
  description: 'The Lambda Trilogy (3 of 3): a REST API proxying every request to an Express app in one Lambda.',
});

// Registered on the app, so both packs check all three stacks; an unacknowledged error fails the synth.
// Acknowledgements are written into the templates so each reason ships with them.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
