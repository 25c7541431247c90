import * as path from 'node:path';
import { Aws, CfnCondition, CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Alarm, type CfnAlarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AaaaRecord, ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** A name in a Route 53 public hosted zone you own, e.g. app.example.com in example.com. */
export interface SiteDomain {
  domainName: string;
  hostedZoneId: string;
  zoneName: string;
}

export interface S3AngularWebsiteStackProps extends StackProps {
  /** The built site (index.html + assets/). Defaults to ../site-dist, written by scripts/build-site.ts. */
  siteDir?: string;
  /** Optional custom domain; without it the site answers on its *.cloudfront.net name. */
  domain?: SiteDomain;
  /** A us-east-1 certificate for `domain`, required when this stack lives in any other region. */
  certificate?: ICertificate;
}

// Only files from this origin may run or style the page; nothing may frame it.
// 'unsafe-eval' is the price of JIT: Angular's compiler turns templates into functions with new Function()
// in the browser. An AOT build from the Angular CLI compiles them ahead of time and can drop it.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export class S3AngularWebsiteStack extends Stack {
  constructor(scope: Construct, id: string, props: S3AngularWebsiteStackProps = {}) {
    super(scope, id, props);
    const siteDir = props.siteDir ?? path.join(__dirname, '..', 'site-dist');

    // CloudFront standard logs still arrive through bucket ACLs, hence OBJECT_WRITER on this bucket only.
    const logs = new Bucket(this, 'LogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const site = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3-access/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'CSP, HSTS and friends for the Angular site',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        // The legacy XSS auditor causes more harm than good; current advice is to switch it off explicitly.
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true }],
      },
    });

    const certificate = props.domain ? this.certificateFor(props.domain, props.certificate) : undefined;

    const distribution = new Distribution(this, 'Distribution', {
      comment: 'Angular single-page app from a private S3 bucket',
      defaultBehavior: {
        // Origin Access Control: CloudFront signs its requests and the bucket policy trusts only this distribution.
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      defaultRootObject: 'index.html',
      // Deep links such as /about are not objects. Without s3:ListBucket S3 says 403 rather than 404,
      // so both become the app shell and the app's Navigation service decides what to show.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(10),
      })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(props.domain && certificate
        ? { domainNames: [props.domain.domainName], certificate, minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
    });

    // The deployment's function gets a role and log group we can see and scope, not the managed basic-execution policy.
    const deployLogs = new LogGroup(this, 'DeployLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deployRole = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the built Angular site from the CDK asset bucket into the site bucket.',
    });
    deployLogs.grantWrite(deployRole);

    const built = Source.asset(siteDir);
    // Hashed bundles never change under the same name, so browsers and edges may keep them for a year.
    // prune: false keeps the previous bundles for tabs still running the previous index.html.
    const deployAssets = new BucketDeployment(this, 'DeployAssets', {
      sources: [built],
      destinationBucket: site,
      exclude: ['index.html'],
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      role: deployRole,
      logGroup: deployLogs,
    });
    // index.html names the current bundles, so it must be revalidated on every visit.
    const deployIndex = new BucketDeployment(this, 'DeployIndex', {
      sources: [built],
      destinationBucket: site,
      exclude: ['*'],
      include: ['index.html'],
      prune: false,
      cacheControl: [CacheControl.noCache()],
      role: deployRole,
      logGroup: deployLogs,
    });
    // Publish the new index.html only after the files it points to exist.
    deployIndex.node.addDependency(deployAssets);

    if (props.domain) {
      const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: props.domain.hostedZoneId,
        zoneName: props.domain.zoneName,
      });
      const target = RecordTarget.fromAlias(new CloudFrontTarget(distribution));
      new ARecord(this, 'AliasRecord', { zone, recordName: props.domain.domainName, target });
      new AaaaRecord(this, 'AliasRecordIpv6', { zone, recordName: props.domain.domainName, target });
    }

    // Operations plumbing: one topic that every alarm of the stack notifies.
    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'Angular website alarms' });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail !== '') {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    // CloudFront publishes its metrics in us-east-1 only; elsewhere the alarm could never see a data point, so
    // it is created only when the stack is deployed there.
    const inUsEast1 = new CfnCondition(this, 'DeployedInUsEast1', { expression: Fn.conditionEquals(Aws.REGION, 'us-east-1') });
    const serverErrors = new Alarm(this, 'DistributionServerErrorsAlarm', {
      // CloudFront's metrics carry Region=Global; without it the alarm would watch a metric that never exists.
      metric: distribution.metric5xxErrorRate({
        statistic: 'Average',
        period: Duration.minutes(5),
        dimensionsMap: { DistributionId: distribution.distributionId, Region: 'Global' },
      }),
      threshold: 5,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'Over 5% of viewer requests got a 5XX in two of the last three 5-minute periods. The origin is S3: check the S3 service health, the bucket policy and that DeployIndex finished; CloudFront access logs are in LogsBucket under cloudfront/.',
    });
    serverErrors.addAlarmAction(new SnsAction(alarmTopic));
    (serverErrors.node.defaultChild as CfnAlarm).cfnOptions.condition = inUsEast1;

    new CfnOutput(this, 'SiteUrl', {
      value: `https://${props.domain?.domainName ?? distribution.distributionDomainName}`,
      description: 'Open this in a browser.',
    });
    new CfnOutput(this, 'DistributionId', { value: distribution.distributionId });
    new CfnOutput(this, 'BucketName', { value: site.bucketName });

    this.acknowledgeFindings(logs, site, distribution, deployRole, !props.domain);
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.',
    });
  }

  /** CloudFront only accepts certificates from us-east-1; create one here only if that is where we are. */
  private certificateFor(domain: SiteDomain, given?: ICertificate): ICertificate {
    if (given) return given;
    if (Token.isUnresolved(this.region) || this.region !== 'us-east-1') {
      throw new Error(
        'A custom domain needs a us-east-1 certificate: deploy this stack to us-east-1, or pass `certificate` from a us-east-1 stack (bin/ does this for you).',
      );
    }
    return new Certificate(this, 'SiteCertificate', {
      domainName: domain.domainName,
      validation: CertificateValidation.fromDns(
        HostedZone.fromHostedZoneAttributes(this, 'CertificateZone', { hostedZoneId: domain.hostedZoneId, zoneName: domain.zoneName }),
      ),
    });
  }

  private acknowledgeFindings(logs: Bucket, site: Bucket, distribution: Distribution, deployRole: Role, defaultDomain: boolean) {
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop, and a second log bucket would have the same finding.',
    });
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'A public static site for any country; add a geo restriction only if the content has legal limits.',
    });
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'Only static GET requests reach a private bucket with no compute behind it; attach a WAF web ACL when an API or login sits behind the distribution.',
    });
    if (defaultDomain) {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS policy cannot be chosen; pass a domain to get TLSv1.2_2021.',
      });
    }
    // BucketDeployment writes these grants itself; the keys it copies are only known at deploy time.
    const siteArn = `<${this.getLogicalId(site.node.defaultChild as CfnBucket)}.Arn>`;
    const envAgnostic = Token.isUnresolved(this.account) || Token.isUnresolved(this.region);
    const assetBucket = `cdk-hnb659fds-assets-${envAgnostic ? '<AWS::AccountId>-<AWS::Region>' : `${this.account}-${this.region}`}`;
    const wildcards: Record<string, string> = {
      'Action::s3:GetObject*': 'Reads the zipped site from the CDK asset bucket and, during sync, the objects already in the site bucket.',
      'Action::s3:GetBucket*': 'The AWS CLI sync inside the deployment function reads bucket location and settings of source and destination.',
      'Action::s3:List*': 'aws s3 sync lists the site bucket to decide which files changed; list actions cannot name single keys.',
      'Action::s3:DeleteObject*': 'BucketDeployment always grants it for pruning; both deployments here set prune: false, so it stays unused.',
      'Action::s3:Abort*': 'Lets the CLI abort its own multipart uploads of large bundles instead of leaving orphaned parts.',
      [`Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*`]:
        'The asset object key is a content hash chosen at synth time; the grant stays inside the bootstrap asset bucket.',
      // With a concrete region the partition is written out.
      [`Resource::arn:aws:s3:::${assetBucket}/*`]:
        'The asset object key is a content hash chosen at synth time; the grant stays inside the bootstrap asset bucket.',
      [`Resource::${siteArn}/*`]: 'The function must write any file of the built site, so it needs every key in this one bucket and no other.',
    };
    for (const [finding, reason] of Object.entries(wildcards)) {
      Validations.of(deployRole).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }

    // The function itself is a singleton that aws-cdk-lib defines and versions; we only choose its role and log group.
    const deployFunction = this.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (deployFunction) {
      const cdkOwned = 'aws-cdk-lib picks and upgrades this Python runtime with the library, not in this stack.';
      Validations.of(deployFunction).acknowledge({ id: 'AwsSolutions-L1', reason: cdkOwned });
      Validations.of(deployFunction).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: cdkOwned });
      Validations.of(deployFunction).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'CloudFormation calls it once per deploy and waits for its answer; a failure fails the deploy, so a dead-letter queue would hold nothing anyone reads.',
      });
      Validations.of(deployFunction).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason: 'Runs only during cdk deploy; the AWS CLI output it writes to DeployLogs is enough to debug a failed copy.',
      });
    }
  }
}
