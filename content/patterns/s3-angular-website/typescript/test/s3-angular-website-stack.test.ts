import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildSite } from '../scripts/build-site';
import { appFromCdkJson } from './cdk-app';
import { SiteCertificateStack } from '../lib/certificate-stack';
import { CONTENT_SECURITY_POLICY, S3AngularWebsiteStack, type SiteDomain } from '../lib/s3-angular-website-stack';

const domain: SiteDomain = { domainName: 'app.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' };

function statements(template: Template, type: string): any[] {
  return Object.values(template.findResources(type)).flatMap((r) => r.Properties.PolicyDocument.Statement);
}

function ref(template: Template, type: string, idPrefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(idPrefix));
  assert.equal(ids.length, 1, `expected one ${type} named ${idPrefix}*`);
  return ids[0];
}

describe('S3AngularWebsiteStack', () => {
  let siteDir: string;
  let stack: S3AngularWebsiteStack;
  let template: Template;

  before(async () => {
    // Each test file builds into its own folder: node --test runs files in parallel.
    siteDir = mkdtempSync(path.join(tmpdir(), 'angular-stack-'));
    await buildSite({ outDir: siteDir });
    stack = new S3AngularWebsiteStack(appFromCdkJson(), 'Under-Test', { siteDir });
    template = Template.fromStack(stack);
  });
  after(() => rmSync(siteDir, { recursive: true, force: true }));

  test('keeps both buckets private, encrypted and HTTPS-only', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    assert.equal(Object.keys(buckets).length, 2);
    for (const bucket of Object.values(buckets)) {
      assert.deepEqual(bucket.Properties.PublicAccessBlockConfiguration, {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      assert.ok(bucket.Properties.BucketEncryption);
    }
    const denies = statements(template, 'AWS::S3::BucketPolicy').filter((s) => s.Effect === 'Deny');
    assert.equal(denies.length, 2);
    for (const deny of denies) assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  });

  test('lets only this distribution read the site bucket, through Origin Access Control', () => {
    const siteBucket = ref(template, 'AWS::S3::Bucket', 'SiteBucket');
    const distribution = ref(template, 'AWS::CloudFront::Distribution', 'Distribution');
    const reads = statements(template, 'AWS::S3::BucketPolicy').filter((s) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    assert.equal(reads.length, 1);
    assert.equal(reads[0].Action, 's3:GetObject');
    assert.deepEqual(reads[0].Resource, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [siteBucket, 'Arn'] }, '/*']] });
    assert.match(JSON.stringify(reads[0].Condition.StringEquals['AWS:SourceArn']), new RegExp(`"Ref":"${distribution}"`));
    // Nobody else is allowed in: the only other Allows are CDK's empty-on-delete helper and, on the log
    // bucket alone, S3 server access logging writing the site bucket's logs.
    const logsBucket = ref(template, 'AWS::S3::Bucket', 'LogsBucket');
    const others = statements(template, 'AWS::S3::BucketPolicy').filter(
      (s) => s.Effect === 'Allow' && s.Principal?.Service !== 'cloudfront.amazonaws.com',
    );
    for (const s of others) {
      if (s.Principal?.Service === 'logging.s3.amazonaws.com') {
        assert.equal(s.Action, 's3:PutObject');
        assert.match(JSON.stringify(s.Resource), new RegExp(`"${logsBucket}","Arn".*s3-access/\\*`));
        assert.match(JSON.stringify(s.Condition), new RegExp(`"${siteBucket}","Arn"`));
      } else {
        assert.match(JSON.stringify(s.Principal), /AutoDeleteObjects/);
      }
    }
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
  });

  test('serves index.html at / and for every unknown path, over HTTPS only', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
        ],
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          Compress: true,
          ResponseHeadersPolicyId: { Ref: Match.stringLikeRegexp('^SecurityHeaders') },
        }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  test('adds a content security policy that allows only what JIT needs, and the other security headers', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true },
          StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
          XSSProtection: { Protection: false, Override: true },
        },
      }),
    });
    // JIT needs eval for scripts and nothing more: no inline scripts or styles, no other origins.
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self' 'unsafe-eval'(;|$)/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|https?:|\*/);
  });

  test('uploads hashed assets as immutable and index.html as no-cache, assets first', () => {
    const deployments = template.findResources('Custom::CDKBucketDeployment');
    const assets = ref(template, 'Custom::CDKBucketDeployment', 'DeployAssets');
    const index = ref(template, 'Custom::CDKBucketDeployment', 'DeployIndex');
    assert.deepEqual(deployments[assets].Properties.Exclude, ['index.html']);
    assert.equal(deployments[assets].Properties.SystemMetadata['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(deployments[assets].Properties.Prune, false);
    assert.deepEqual(deployments[index].Properties.Exclude, ['*']);
    assert.deepEqual(deployments[index].Properties.Include, ['index.html']);
    assert.equal(deployments[index].Properties.SystemMetadata['cache-control'], 'no-cache');
    assert.ok(deployments[index].DependsOn.includes(assets), 'index.html must wait for the files it references');
  });

  test('gives the deployment function a scoped role: its own logs, no managed policy, writes only to the site bucket', () => {
    const siteBucket = ref(template, 'AWS::S3::Bucket', 'SiteBucket');
    const role = ref(template, 'AWS::IAM::Role', 'DeployRole');
    template.hasResourceProperties('AWS::IAM::Role', { Description: Match.stringLikeRegexp('Angular site'), ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [role, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^DeployLogs') } },
    });
    const writes = statements(template, 'AWS::IAM::Policy').filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:Put')));
    assert.equal(writes.length, 1);
    assert.match(JSON.stringify(writes[0].Resource), new RegExp(`^\\[\\{"Fn::GetAtt":\\["${siteBucket}","Arn"\\]\\}`));
    assert.doesNotMatch(JSON.stringify(writes[0].Resource), /LogsBucket/);
  });

  test('expires access logs after 90 days and the deployment logs after a month', () => {
    const logsBucket = ref(template, 'AWS::S3::Bucket', 'LogsBucket');
    assert.deepEqual(template.findResources('AWS::S3::Bucket')[logsBucket].Properties.LifecycleConfiguration, {
      Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('alarms on the one alarm topic when CloudFront answers 5XX, only where CloudFront publishes metrics', () => {
    const topic = ref(template, 'AWS::SNS::Topic', 'AlarmTopic');
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 1);
    const [alarm] = alarms;
    assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }]);
    assert.equal(alarm.Properties.Namespace, 'AWS/CloudFront');
    assert.equal(alarm.Properties.MetricName, '5xxErrorRate');
    assert.deepEqual(alarm.Properties.Dimensions, [
      { Name: 'DistributionId', Value: { Ref: ref(template, 'AWS::CloudFront::Distribution', 'Distribution') } },
      { Name: 'Region', Value: 'Global' },
    ]);
    assert.equal(alarm.Properties.Threshold, 5);
    assert.deepEqual(template.toJSON().Conditions[alarm.Condition], { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
  });

  test('subscribes an e-mail address to the alarm topic only when alarmEmail is given', () => {
    const mailed = Template.fromStack(new S3AngularWebsiteStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed', { siteDir }));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    mailed.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('creates no DNS records or certificate without a domain', () => {
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new S3AngularWebsiteStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email', { siteDir });
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings`);
    }
  });

  describe('with a custom domain', () => {
    test('in us-east-1 issues a DNS-validated certificate, TLS 1.2 and alias records', () => {
      const withDomain = new S3AngularWebsiteStack(appFromCdkJson(), 'Domain', {
        siteDir,
        domain,
        env: { account: '111111111111', region: 'us-east-1' },
      });
      const t = Template.fromStack(withDomain);
      t.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'app.example.com',
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: 'app.example.com', HostedZoneId: domain.hostedZoneId }],
      });
      t.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          Aliases: ['app.example.com'],
          ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        }),
      });
      for (const Type of ['A', 'AAAA']) {
        t.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: 'app.example.com.',
          Type,
          HostedZoneId: domain.hostedZoneId,
          AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Distribution'), 'DomainName'] } }),
        });
      }
      const nag = new AwsSolutionsChecks().validateScope(withDomain);
      assert.deepEqual(nag.violations.map((v) => v.ruleName), []);
    });

    test('elsewhere refuses to build without a us-east-1 certificate', () => {
      assert.throws(
        () => new S3AngularWebsiteStack(appFromCdkJson(), 'Frankfurt', { siteDir, domain, env: { account: '111111111111', region: 'eu-central-1' } }),
        /us-east-1 certificate/,
      );
    });

    test('elsewhere takes the certificate from a us-east-1 stack', () => {
      const app = appFromCdkJson();
      const certStack = new SiteCertificateStack(app, 'Cert', {
        domain,
        env: { account: '111111111111', region: 'us-east-1' },
        crossRegionReferences: true,
      });
      const site = new S3AngularWebsiteStack(app, 'Frankfurt', {
        siteDir,
        domain,
        certificate: certStack.certificate,
        env: { account: '111111111111', region: 'eu-central-1' },
        crossRegionReferences: true,
      });
      Template.fromStack(certStack).resourceCountIs('AWS::CertificateManager::Certificate', 1);
      const t = Template.fromStack(site);
      t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
      t.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({ Aliases: ['app.example.com'], ViewerCertificate: Match.objectLike({ AcmCertificateArn: Match.anyValue() }) }),
      });
    });
  });
});
