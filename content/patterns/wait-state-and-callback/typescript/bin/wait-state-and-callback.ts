#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { WaitStateAndCallbackStack } from '../lib/wait-state-and-callback-stack';

const app = new App();
new WaitStateAndCallbackStack(app, 'WaitStateAndCallbackStack', {
  description: 'Wait state and callback: a Standard workflow that waits on a task token for a person to approve access, then holds it open with a Wait state.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
