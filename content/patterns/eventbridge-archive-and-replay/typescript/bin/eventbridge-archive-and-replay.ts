#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EventbridgeArchiveAndReplayStack } from '../lib/eventbridge-archive-and-replay-stack';

const app = new App();
new EventbridgeArchiveAndReplayStack(app, 'EventbridgeArchiveAndReplayStack', {
  description: 'Event Archive and Replay: a custom EventBridge bus archives order events for 30 days and replays a time window into an idempotent ledger consumer, never into the notifier.',
});

// Both rule packs check every synth; an unacknowledged finding fails it.
// Acknowledgements are written into the template so each reason travels with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
