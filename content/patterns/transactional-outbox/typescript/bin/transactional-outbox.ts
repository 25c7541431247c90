#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TransactionalOutboxStack } from '../lib/transactional-outbox-stack';

const app = new App();
new TransactionalOutboxStack(app, 'TransactionalOutboxStack', {
  description: 'Transactional Outbox: an order and its event are written in one DynamoDB transaction and published from the stream to EventBridge.',
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
