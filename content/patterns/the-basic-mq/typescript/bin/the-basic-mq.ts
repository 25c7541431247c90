#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { resolveSettings } from '../lib/settings';
import { TheBasicMqStack } from '../lib/the-basic-mq-stack';

const app = new App();
// All optional: -c zoneName=example.org -c hostedZoneId=Z... [-c recordName=mq] [-c deploymentMode=ACTIVE_STANDBY_MULTI_AZ]
const settings = resolveSettings({
  zoneName: app.node.tryGetContext('zoneName'),
  hostedZoneId: app.node.tryGetContext('hostedZoneId'),
  recordName: app.node.tryGetContext('recordName'),
  deploymentMode: app.node.tryGetContext('deploymentMode'),
});
new TheBasicMqStack(app, 'TheBasicMqStack', {
  settings,
  description: 'The Basic MQ: a private Amazon MQ for ActiveMQ broker behind a TLS Network Load Balancer and a Route 53 name.',
});

// Both rule packs run on every synth; an unacknowledged error fails it.
// Acknowledged findings are written into the template together with their reasons.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
