#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ParallelExecutionStack } from '../lib/parallel-execution-stack';

const app = new App();
new ParallelExecutionStack(app, 'ParallelExecutionStack', {
  description: 'Parallel Execution: an Express Step Functions workflow checks fraud, stock and shipping for an order at once and decides on the joined result.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
