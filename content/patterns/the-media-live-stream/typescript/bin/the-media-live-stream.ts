#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheMediaLiveStreamStack } from '../lib/the-media-live-stream-stack';

const app = new App();
new TheMediaLiveStreamStack(app, 'TheMediaLiveStreamStack', {
  description: 'The Media Live Stream: RTMP into MediaLive, HLS from MediaPackage, played through CloudFront.',
  // cdk deploy -c ingestCidr=203.0.113.7/32 : only this range may push RTMP to the input.
  ingestCidr: app.node.tryGetContext('ingestCidr') as string | undefined,
  // -c maxLiveHours=2 : stop the channel this many hours after each start (default 4).
  maxLiveHours: optionalNumber(app.node.tryGetContext('maxLiveHours')),
  // -c monthlyBudgetUsd=50 : the MediaLive and MediaPackage cost budget (default $20).
  monthlyBudgetUsd: optionalNumber(app.node.tryGetContext('monthlyBudgetUsd')),
});

function optionalNumber(value: unknown): number | undefined {
  return value === undefined || value === '' ? undefined : Number(value);
}

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
