#!/usr/bin/env node
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { siteConfig } from '../../lib/site-config';
import { siteDomainFromContext } from '../lib/site-domain';
import { SiteStack } from '../lib/site-stack';

const app = new App();
// Optional: npm run deploy:site -- -c domainName=patterns.example.com -c certificateArn=arn:aws:acm:us-east-1:…
const domain = siteDomainFromContext((key) => app.node.tryGetContext(key));
const stack = new SiteStack(app, 'ServerlessCdkPatternsSite', {
  description: 'Serverless CDK Patterns: the catalog site in a private S3 bucket behind CloudFront, with its security headers.',
  domain,
});
// Canonical URLs, the sitemap and feeds are written at build time from SITE_URL; on another domain they would point away.
if (domain && siteConfig.url !== `https://${domain.domainName}`) {
  Annotations.of(stack).addWarningV2(
    'site:site-url',
    `The pages name ${siteConfig.url} as their address, not https://${domain.domainName}: build with SITE_URL=https://${domain.domainName}.`,
  );
}

// Every synth runs the AwsSolutions pack; an unacknowledged finding stops it. The reasons for the
// acknowledged ones are written into the template, so they travel with it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
