#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { SiteCertificateStack } from '../lib/certificate-stack';
import { S3ReactWebsiteStack, type SiteDomain } from '../lib/s3-react-website-stack';

// cdk.json builds site-dist/ before this file runs; see scripts/build-site.ts.
const app = new App();
const description = 'S3 React Website: a React app in a private S3 bucket behind CloudFront with Origin Access Control.';

// Optional: cdk deploy -c domainName=app.example.com -c hostedZoneId=Z0123456789 -c zoneName=example.com
const domainContext = ['domainName', 'hostedZoneId', 'zoneName'].map((key) => app.node.tryGetContext(key) as string | undefined);
const given = domainContext.filter(Boolean).length;
if (given > 0 && given < 3) {
  throw new Error('A custom domain needs all three context values: domainName, hostedZoneId and zoneName.');
}

if (given === 3) {
  const [domainName, hostedZoneId, zoneName] = domainContext as string[];
  const domain: SiteDomain = { domainName, hostedZoneId, zoneName };
  // Cross-region references need a concrete account and region, taken from your AWS profile.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const certificate =
    env.region === 'us-east-1'
      ? undefined
      : new SiteCertificateStack(app, 'S3ReactWebsiteCertificateStack', {
          env: { account: env.account, region: 'us-east-1' },
          crossRegionReferences: true,
          domain,
        }).certificate;
  new S3ReactWebsiteStack(app, 'S3ReactWebsiteStack', { description, env, crossRegionReferences: true, domain, certificate });
} else {
  new S3ReactWebsiteStack(app, 'S3ReactWebsiteStack', { description });
}

// Both rule packs run on every synth; any unacknowledged error stops the synth.
// Acknowledged findings are written into the template so their reasons travel with it.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);
