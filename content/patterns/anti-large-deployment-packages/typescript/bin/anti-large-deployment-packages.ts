#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { LeanPackageStack } from '../lib/anti-large-deployment-packages-stack';
import { LargePackageStack } from '../lib/before-stack';

const app = new App();
new LeanPackageStack(app, 'LeanPackageStack', {
  description: 'Large Deployment Packages, the fix: a product lookup API whose function ships only its own code and uses the AWS SDK of the runtime.',
});

// The anti-pattern is synthesized only on request (cdk synth -c antiPattern=before LargePackageStack),
// so `cdk deploy` never ships it.
if (app.node.tryGetContext('antiPattern') === 'before') {
  new LargePackageStack(app, 'LargePackageStack', {
    description: 'Large Deployment Packages, the anti-pattern (not for deployment): the same API with its function packaged with a second AWS SDK and packages it never loads.',
  });
}

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
