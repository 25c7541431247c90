#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TheMediaLiveStreamStack } from '../lib/the-media-live-stream-stack';

const app = new App();
new TheMediaLiveStreamStack(app, 'TheMediaLiveStreamStack', {
  description: 'The Media Live Stream: RTMP into MediaLive, HLS from MediaPackage, played through CloudFront.',
  // cdk deploy -c ingestCidr=203.0.113.7/32 : only this range may push RTMP to the input.
  ingestCidr: app.node.tryGetContext('ingestCidr') as string | undefined,
});

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
