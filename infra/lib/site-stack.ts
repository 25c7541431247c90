import path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  type BehaviorOptions,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { acknowledgeFindings } from './nag-acknowledgements';
import { siteHeadersPolicy } from './site-headers';
import type { SiteDomain } from './site-domain';

const here = import.meta.dirname;

/** Files whose names carry a content hash: a new build gives new names, so a copy never goes stale. */
export const HASHED_PATHS = ['_islands/*', '_next/static/*'] as const;
/** Hashed files: kept a year by browsers and edges alike, and never revalidated. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Pages and the rest: browsers revalidate every visit (an ETag makes that a 304), edges keep them five minutes. */
export const REVALIDATE = 'public, max-age=0, s-maxage=300, must-revalidate';

export interface SiteStackProps extends StackProps {
  /** The exported site. Defaults to the repository's out/, written by `npm run build`. */
  siteDir?: string;
  /** Optional custom domain with its us-east-1 certificate; without it the site answers on *.cloudfront.net. */
  domain?: SiteDomain;
}

export class SiteStack extends Stack {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: SiteStackProps = {}) {
    super(scope, id, props);
    const siteDir = props.siteDir ?? path.join(here, '..', '..', 'out');

    // Access logs are a record worth keeping after the site is gone, so this bucket outlives the stack.
    // CloudFront standard logs still arrive through bucket ACLs, hence OBJECT_WRITER on this bucket only.
    const logs = new Bucket(this, 'LogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The site is rebuilt from the repository at any time, so its bucket goes with the stack.
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

    const rewrite = new CloudFrontFunction(this, 'RewriteRequest', {
      comment: 'Maps /path/ to /path/index.html and redirects /path to /path/',
      code: FunctionCode.fromFile({ filePath: path.join(here, '..', 'functions', 'rewrite-request.js') }),
      runtime: FunctionRuntime.JS_2_0,
    });
    const headers = siteHeadersPolicy(this, 'SecurityHeaders');
    const origin = S3BucketOrigin.withOriginAccessControl(site);
    // Nothing varies by cookie, header or query string (search state lives in the page), so none is in the key.
    const cacheKey = {
      cookieBehavior: CacheCookieBehavior.none(),
      headerBehavior: CacheHeaderBehavior.none(),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    };
    const pagesPolicy = new CachePolicy(this, 'PagesCachePolicy', {
      comment: 'Pages and data: the object Cache-Control decides, within five minutes to a day',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.minutes(5),
      maxTtl: Duration.days(1),
      ...cacheKey,
    });
    const assetsPolicy = new CachePolicy(this, 'HashedAssetsCachePolicy', {
      comment: 'Content-hashed scripts and styles: a year at the edge',
      minTtl: Duration.days(365),
      defaultTtl: Duration.days(365),
      maxTtl: Duration.days(365),
      ...cacheKey,
    });
    const behavior = (cachePolicy: CachePolicy): BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy,
      responseHeadersPolicy: headers,
      compress: true,
    });

    const certificate = props.domain && Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Serverless CDK Patterns: the static catalog site',
      defaultBehavior: {
        ...behavior(pagesPolicy),
        functionAssociations: [{ function: rewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: Object.fromEntries(HASHED_PATHS.map((p) => [`/${p}`, behavior(assetsPolicy)])),
      // S3 answers 403 for a missing key when CloudFront may not list the bucket; both are "not found".
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 404,
        responsePagePath: '/404.html',
        ttl: Duration.minutes(1),
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

    const deployLogs = new LogGroup(this, 'DeployLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const deployRole = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the exported site from the CDK asset bucket into the site bucket.',
    });
    deployLogs.grantWrite(deployRole);
    const built = Source.asset(siteDir);
    const common = { sources: [built], destinationBucket: site, role: deployRole, logGroup: deployLogs, memoryLimit: 512 };
    // Hashed files first, and never pruned: a reader whose tab holds the previous pages still loads
    // the islands those pages name (some load on first use, minutes later).
    const assets = new BucketDeployment(this, 'DeployHashedAssets', {
      ...common,
      exclude: ['*'],
      include: [...HASHED_PATHS],
      prune: false,
      cacheControl: [CacheControl.fromString(IMMUTABLE)],
    });
    // Then everything else, pruned so removed pages disappear, and the whole distribution invalidated.
    const pages = new BucketDeployment(this, 'DeployPages', {
      ...common,
      exclude: [...HASHED_PATHS],
      prune: true,
      cacheControl: [CacheControl.fromString(REVALIDATE)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    pages.node.addDependency(assets);

    new CfnOutput(this, 'SiteUrl', { value: `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`, description: 'Open this in a browser.' });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.distribution.distributionDomainName,
      description: props.domain ? `Point ${props.domain.domainName} at this name (CNAME, or an alias record in Route 53).` : 'The site\'s address.',
    });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'SiteBucketName', { value: site.bucketName });
    new CfnOutput(this, 'LogsBucketName', { value: logs.bucketName, description: 'Kept after cdk destroy: empty and delete it by hand when the logs are no longer needed.' });

    acknowledgeFindings(this, { site, distribution: this.distribution, deployRole, customDomain: Boolean(props.domain) });
  }
}
