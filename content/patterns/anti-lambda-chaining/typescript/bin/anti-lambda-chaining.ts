#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CheckoutWorkflowStack } from '../lib/anti-lambda-chaining-stack';
import { ChainedCheckoutStack } from '../lib/before-stack';

const app = new App();
// The fix: what `npx cdk deploy` deploys.
new CheckoutWorkflowStack(app, 'CheckoutWorkflowStack', {
  description: 'Lambda Chaining, the fix: a Step Functions workflow prices the order, charges the card and saves the order, each step with its own retries.',
});
// The anti-pattern, only on request: npx cdk synth -c antiPattern=before ChainedCheckoutStack
if (app.node.tryGetContext('antiPattern') === 'before') {
  new ChainedCheckoutStack(app, 'ChainedCheckoutStack', {
    description: 'Lambda Chaining, the anti-pattern (for inspection only, not for deployment): PlaceOrder invokes ChargePayment synchronously and waits.',
  });
}

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
