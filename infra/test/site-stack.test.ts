import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { flagProblems, recommendedFlags } from '../../lib/content/cdk-flags';
import { SECURITY_HEADERS } from '../../lib/security-headers';
import { HASHED_PATHS, IMMUTABLE, REVALIDATE, SiteStack } from '../lib/site-stack';
import { appFromCdkJson, fixtureSite } from './cdk-app';

/* eslint-disable @typescript-eslint/no-explicit-any -- raw CloudFormation JSON has no static type */
const certificateArn = 'arn:aws:acm:us-east-1:111111111111:certificate/12345678-90ab-cdef-1234-567890abcdef';
const only = (template: Template, type: string): [string, any] => {
  const found = Object.entries(template.findResources(type));
  assert.equal(found.length, 1, `expected one ${type}`);
  return found[0]!;
};
const named = (template: Template, type: string, prefix: string): [string, any] => {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  assert.equal(found.length, 1, `expected one ${type} named ${prefix}*`);
  return found[0]!;
};
const statements = (template: Template, type: string): any[] =>
  Object.values(template.findResources(type)).flatMap((r: any) => r.Properties.PolicyDocument.Statement);

/** The headers a response headers policy in the template makes CloudFront send, name → value. */
function headersSent(config: any): Record<string, string> {
  const s = config.SecurityHeadersConfig;
  const sent: Record<string, string> = {
    'Content-Security-Policy': s.ContentSecurityPolicy.ContentSecurityPolicy,
    'Strict-Transport-Security': `max-age=${s.StrictTransportSecurity.AccessControlMaxAgeSec}${s.StrictTransportSecurity.IncludeSubdomains ? '; includeSubDomains' : ''}`,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': s.FrameOptions.FrameOption,
    'Referrer-Policy': s.ReferrerPolicy.ReferrerPolicy,
  };
  for (const item of config.CustomHeadersConfig.Items) sent[item.Header] = item.Value;
  const overridden = [...Object.values(s), ...config.CustomHeadersConfig.Items].every((h: any) => h.Override === true);
  assert.ok(overridden, 'every header must override what the origin sends');
  return sent;
}

describe('SiteStack', () => {
  let site: ReturnType<typeof fixtureSite>;
  let stack: SiteStack;
  let template: Template;

  before(() => {
    site = fixtureSite();
    stack = new SiteStack(appFromCdkJson(), 'Site', { siteDir: site.dir });
    template = Template.fromStack(stack);
  });
  after(() => site.remove());

  test('keeps the site bucket private and lets only this distribution read it, through Origin Access Control', () => {
    const [siteBucket, bucket] = named(template, 'AWS::S3::Bucket', 'SiteBucket');
    assert.deepEqual(bucket.Properties.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.equal(bucket.Properties.WebsiteConfiguration, undefined, 'no S3 website endpoint: S3 serves nothing directly');
    const [distribution] = only(template, 'AWS::CloudFront::Distribution');
    const reads = statements(template, 'AWS::S3::BucketPolicy').filter((s) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    assert.equal(reads.length, 1);
    assert.equal(reads[0].Action, 's3:GetObject');
    assert.deepEqual(reads[0].Resource, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [siteBucket, 'Arn'] }, '/*']] });
    assert.match(JSON.stringify(reads[0].Condition.StringEquals['AWS:SourceArn']), new RegExp(`"Ref":"${distribution}"`));
    const denies = statements(template, 'AWS::S3::BucketPolicy').filter((s) => s.Effect === 'Deny');
    for (const deny of denies) assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
  });

  test('runs the rewrite function, from its own file, on every viewer request for pages', () => {
    const [fn, resource] = only(template, 'AWS::CloudFront::Function');
    assert.equal(resource.Properties.FunctionConfig.Runtime, 'cloudfront-js-2.0');
    assert.equal(resource.Properties.FunctionCode, readFileSync(path.join(import.meta.dirname, '..', 'functions', 'rewrite-request.js'), 'utf8'));
    const config = only(template, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    assert.deepEqual(config.DefaultCacheBehavior.FunctionAssociations, [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn, 'FunctionARN'] } }]);
    for (const b of config.CacheBehaviors) assert.equal(b.FunctionAssociations, undefined, `${b.PathPattern} holds only files`);
  });

  test('sends exactly the headers of lib/security-headers.ts on every behavior', () => {
    const [policy, resource] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    assert.deepEqual(headersSent(resource.Properties.ResponseHeadersPolicyConfig), SECURITY_HEADERS);
    const config = only(template, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    for (const b of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      assert.deepEqual(b.ResponseHeadersPolicyId, { Ref: policy });
      assert.equal(b.ViewerProtocolPolicy, 'redirect-to-https');
      assert.equal(b.Compress, true);
    }
  });

  test('caches hashed files for a year and pages briefly, keyed on the path alone', () => {
    const config = only(template, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    const [pages, pagesPolicy] = named(template, 'AWS::CloudFront::CachePolicy', 'PagesCachePolicy');
    const [assets, assetsPolicy] = named(template, 'AWS::CloudFront::CachePolicy', 'HashedAssetsCachePolicy');
    assert.deepEqual(config.DefaultCacheBehavior.CachePolicyId, { Ref: pages });
    assert.deepEqual(config.CacheBehaviors.map((b: any) => b.PathPattern).sort(), HASHED_PATHS.map((p) => `/${p}`).sort());
    for (const b of config.CacheBehaviors) assert.deepEqual(b.CachePolicyId, { Ref: assets });
    const year = 365 * 24 * 3600;
    assert.deepEqual(
      [assetsPolicy.Properties.CachePolicyConfig.MinTTL, assetsPolicy.Properties.CachePolicyConfig.DefaultTTL, assetsPolicy.Properties.CachePolicyConfig.MaxTTL],
      [year, year, year],
    );
    assert.equal(pagesPolicy.Properties.CachePolicyConfig.DefaultTTL, 300);
    assert.equal(pagesPolicy.Properties.CachePolicyConfig.MaxTTL, 24 * 3600);
    for (const p of [pagesPolicy, assetsPolicy]) {
      const key = p.Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin;
      assert.deepEqual([key.CookiesConfig.CookieBehavior, key.HeadersConfig.HeaderBehavior, key.QueryStringsConfig.QueryStringBehavior], ['none', 'none', 'none']);
      assert.deepEqual([key.EnableAcceptEncodingGzip, key.EnableAcceptEncodingBrotli], [true, true]);
    }
  });

  test('answers a missing page with the site\'s 404 page and status 404', () => {
    const config = only(template, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    assert.deepEqual(config.CustomErrorResponses, [
      { ErrorCode: 403, ResponseCode: 404, ResponsePagePath: '/404.html', ErrorCachingMinTTL: 60 },
      { ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/404.html', ErrorCachingMinTTL: 60 },
    ]);
    assert.equal(config.Aliases, undefined);
    assert.match(JSON.stringify(config.Logging), /cloudfront\//);
  });

  test('uploads hashed files as immutable first, then the rest with revalidation, pruning and an invalidation', () => {
    const [assets, assetsDeploy] = named(template, 'Custom::CDKBucketDeployment', 'DeployHashedAssets');
    const [, pagesDeploy] = named(template, 'Custom::CDKBucketDeployment', 'DeployPages');
    assert.deepEqual(assetsDeploy.Properties.Include, [...HASHED_PATHS]);
    assert.deepEqual(assetsDeploy.Properties.Exclude, ['*']);
    assert.equal(assetsDeploy.Properties.Prune, false);
    assert.equal(assetsDeploy.Properties.SystemMetadata['cache-control'], IMMUTABLE);
    assert.deepEqual(pagesDeploy.Properties.Exclude, [...HASHED_PATHS]);
    assert.equal(pagesDeploy.Properties.Prune, true);
    assert.equal(pagesDeploy.Properties.SystemMetadata['cache-control'], REVALIDATE);
    assert.deepEqual(pagesDeploy.Properties.DistributionPaths, ['/*']);
    assert.ok(pagesDeploy.DependsOn.includes(assets), 'pages must wait for the files they name');
  });

  test('keeps the access logs after cdk destroy and removes the site with it', () => {
    const [, logs] = named(template, 'AWS::S3::Bucket', 'LogsBucket');
    const [, siteBucket] = named(template, 'AWS::S3::Bucket', 'SiteBucket');
    assert.equal(logs.DeletionPolicy, 'Retain');
    assert.deepEqual(logs.Properties.LifecycleConfiguration, { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] });
    assert.equal(siteBucket.DeletionPolicy, 'Delete');
    assert.deepEqual(siteBucket.Properties.LoggingConfiguration.LogFilePrefix, 's3-access/');
  });

  test('passes the AwsSolutions pack, with and without a custom domain, every exception acknowledged', () => {
    const withDomain = new SiteStack(appFromCdkJson(), 'Domain', { siteDir: site.dir, domain: { domainName: 'patterns.example.com', certificateArn } });
    for (const scope of [stack, withDomain]) {
      const open = new AwsSolutionsChecks().validateScope(scope).violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${scope.stackName} has unacknowledged findings`);
    }
  });

  test('with a custom domain, answers on it with the given certificate and TLS 1.2', () => {
    const withDomain = new SiteStack(appFromCdkJson(), 'Domain', { siteDir: site.dir, domain: { domainName: 'patterns.example.com', certificateArn } });
    const t = Template.fromStack(withDomain);
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['patterns.example.com'],
        ViewerCertificate: { AcmCertificateArn: certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    t.hasOutput('SiteUrl', { Value: 'https://patterns.example.com' });
  });

  test('uses the feature flags cdk init writes for the pinned CDK', () => {
    const root = path.join(import.meta.dirname, '..', '..');
    const flags = recommendedFlags(root);
    assert.ok(flags, 'node_modules/aws-cdk is installed');
    assert.deepEqual(flagProblems(readFileSync(path.join(import.meta.dirname, '..', 'cdk.json'), 'utf8'), flags, 'infra/cdk.json'), []);
  });
});
