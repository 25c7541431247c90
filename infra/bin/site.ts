#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { siteDomainFromContext } from '../lib/site-domain';
import { SiteStack } from '../lib/site-stack';

const app = new App();
// Optional: npm run deploy:site -- -c domainName=patterns.example.com -c certificateArn=arn:aws:acm:us-east-1:…
const domain = siteDomainFromContext((key) => app.node.tryGetContext(key));
new SiteStack(app, 'ServerlessCdkPatternsSite', {
  description: 'Serverless CDK Patterns: the catalog site in a private S3 bucket behind CloudFront, with its security headers.',
  domain,
});

// Every synth runs the AwsSolutions pack; an unacknowledged finding stops it. The reasons for the
// acknowledged ones are written into the template, so they travel with it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
