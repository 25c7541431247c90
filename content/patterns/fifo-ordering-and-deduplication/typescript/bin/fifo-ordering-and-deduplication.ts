#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { FifoOrderingAndDeduplicationStack } from '../lib/fifo-ordering-and-deduplication-stack';

const app = new App();
new FifoOrderingAndDeduplicationStack(app, 'FifoOrderingAndDeduplicationStack', {
  description:
    'FIFO ordering and deduplication: a REST API sends account events into a high-throughput SQS FIFO queue, and a Lambda applies them in order per account to DynamoDB.',
});

// Both packs check every synth; an unacknowledged error fails it.
// Acknowledgements are written into the template so each reason ships with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
