#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ConsumerStack, ProducerStack } from '../lib/cross-account-event-routing-stack';
import { readRouting } from '../lib/routing';

const app = new App();
const routing = readRouting(app.node);

// Two stacks for two accounts, deployed one at a time with each account's own credentials:
// the consumer first, so its bus and policy exist before the first event is forwarded.
new ConsumerStack(app, 'ConsumerStack', {
  env: { account: routing.consumerAccount, region: routing.region },
  description: 'Cross-Account Event Routing (consumer): a bus that admits shipped orders from the producer account only, and their handler.',
  routing,
});
new ProducerStack(app, 'ProducerStack', {
  env: { account: routing.producerAccount, region: routing.region },
  description: 'Cross-Account Event Routing (producer): an order bus and a rule that forwards shipped orders to the consumer account.',
  routing,
});

// Registered on the app, so both packs check both stacks; an unacknowledged error fails the synth.
// Acknowledgements are written into the templates so each reason ships with them.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
