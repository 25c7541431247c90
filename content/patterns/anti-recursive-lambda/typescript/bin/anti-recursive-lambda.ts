#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { InventoryWorkflowStack } from '../lib/anti-recursive-lambda-stack';
import { RecursiveInventoryStack } from '../lib/before-stack';

const app = new App();
// The fix: the only stack `cdk deploy` deploys.
new InventoryWorkflowStack(app, 'InventoryWorkflowStack', {
  description: 'Recursive Lambda, the fix: a Step Functions loop counts a bucket listing one page per Lambda invocation.',
});
// The anti-pattern, for synthesis and reading only: `npx cdk synth -c antiPattern=before RecursiveInventoryStack`.
if (app.node.tryGetContext('antiPattern') === 'before') {
  new RecursiveInventoryStack(app, 'RecursiveInventoryStack', {
    description: 'Recursive Lambda, the anti-pattern (not for deployment): a function that queues the next page of a bucket listing for itself.',
  });
}

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
