#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ReportWorkflowStack } from '../lib/anti-synchronous-waiting-stack';
import { PollingReportStack } from '../lib/before-stack';

const app = new App();

// The fix: what `npx cdk deploy` deploys.
new ReportWorkflowStack(app, 'ReportWorkflowStack', {
  description: 'Synchronous waiting, the fix: a Step Functions workflow runs an Athena report with the .sync integration and returns its rows.',
});

// The anti-pattern, only on request: `npx cdk synth -c antiPattern=before PollingReportStack`.
if (app.node.tryGetContext('antiPattern') === 'before') {
  new PollingReportStack(app, 'PollingReportStack', {
    description: 'Synchronous waiting, the ANTI-PATTERN (not for deployment): a Lambda function starts an Athena report and polls it until it ends.',
  });
}

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
