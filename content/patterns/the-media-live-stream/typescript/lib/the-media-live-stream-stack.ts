import * as path from 'node:path';
import { Annotations, ArnFormat, CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as medialive from 'aws-cdk-lib/aws-medialive';
import * as mediapackage from 'aws-cdk-lib/aws-mediapackage';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, Succeed, Wait, WaitTime } from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { parseIngestCidr } from './ingest-cidr';

/** TEST-NET-1: routes nowhere, so a deploy without -c ingestCidr=... accepts no stream at all. */
export const PLACEHOLDER_CIDR = '192.0.2.1/32';

/** How long a started channel may run before the stack stops it, unless -c maxLiveHours=... says otherwise. */
export const DEFAULT_MAX_LIVE_HOURS = 4;
/** Default monthly limit of the MediaLive and MediaPackage cost budget, in US dollars. */
export const DEFAULT_MONTHLY_BUDGET_USD = 20;

export interface TheMediaLiveStreamStackProps extends StackProps {
  /** The only IPv4 range allowed to push RTMP, e.g. your public address as a /32. */
  ingestCidr?: string;
  /** Hours after each start at which the channel is stopped automatically (1 to 24). */
  maxLiveHours?: number;
  /** Monthly limit of the cost budget in US dollars. */
  monthlyBudgetUsd?: number;
}

/** The renditions MediaLive encodes; MediaPackage turns them into one HLS ladder. */
export const RENDITIONS = [
  { name: 'video_720p30', width: 1280, height: 720, bitrate: 3_000_000 },
  { name: 'video_360p30', width: 640, height: 360, bitrate: 800_000 },
] as const;

// The player and the stream come from one origin, so media-src and connect-src can stay at 'self'.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export class TheMediaLiveStreamStack extends Stack {
  constructor(scope: Construct, id: string, props: TheMediaLiveStreamStackProps = {}) {
    super(scope, id, props);
    const ingestCidr = parseIngestCidr(props.ingestCidr ?? PLACEHOLDER_CIDR);
    const maxLiveHours = props.maxLiveHours ?? DEFAULT_MAX_LIVE_HOURS;
    if (!Number.isInteger(maxLiveHours) || maxLiveHours < 1 || maxLiveHours > 24) {
      throw new Error(`maxLiveHours must be a whole number of hours from 1 to 24, got ${String(props.maxLiveHours)}`);
    }
    const monthlyBudgetUsd = props.monthlyBudgetUsd ?? DEFAULT_MONTHLY_BUDGET_USD;
    if (!Number.isFinite(monthlyBudgetUsd) || monthlyBudgetUsd <= 0) {
      throw new Error(`monthlyBudgetUsd must be a positive number of US dollars, got ${String(props.monthlyBudgetUsd)}`);
    }
    if (ingestCidr === PLACEHOLDER_CIDR) {
      Annotations.of(this).addWarningV2(
        'media-live-stream:placeholder-cidr',
        'No ingestCidr given: the input accepts RTMP from nobody. Deploy with -c ingestCidr=<your public IP>/32.',
      );
    }

    // ---- Packaging: MediaPackage v1 channel and one HLS endpoint ----
    const ingressLogs = new LogGroup(this, 'PackagerIngressLogs', {
      logGroupName: `/aws/MediaPackage/${this.stackName}-ingress`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const egressLogs = new LogGroup(this, 'PackagerEgressLogs', {
      logGroupName: `/aws/MediaPackage/${this.stackName}-egress`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const packager = new mediapackage.CfnChannel(this, 'Packager', {
      id: `${this.stackName}-packager`,
      description: 'Receives the MediaLive renditions and repackages them for viewers.',
      ingressAccessLogs: { logGroupName: ingressLogs.logGroupName },
      egressAccessLogs: { logGroupName: egressLogs.logGroupName },
    });
    const hls = new mediapackage.CfnOriginEndpoint(this, 'HlsEndpoint', {
      channelId: packager.ref,
      id: `${this.stackName}-hls`,
      description: 'HLS for the player, pulled through CloudFront.',
      manifestName: 'index',
      origination: 'ALLOW',
      hlsPackage: {
        // 6-second segments and a one-minute live window: the usual trade between latency and rebuffering.
        segmentDurationSeconds: 6,
        playlistWindowSeconds: 60,
        playlistType: 'NONE',
        adMarkers: 'NONE',
        includeIframeOnlyStream: false,
        useAudioRenditionGroup: false,
        streamSelection: { streamOrder: 'VIDEO_BITRATE_DESCENDING' },
      },
    });

    // ---- Encoding: MediaLive input, its allow list, the channel and its role ----
    const allowList = new medialive.CfnInputSecurityGroup(this, 'IngestAllowList', {
      whitelistRules: [{ cidr: ingestCidr }],
    });
    const input = new medialive.CfnInput(this, 'RtmpInput', {
      name: `${this.stackName}-rtmp`,
      type: 'RTMP_PUSH',
      inputSecurityGroups: [allowList.ref],
      // One destination, because a single-pipeline channel has one encoder to feed.
      destinations: [{ streamName: 'live/stream' }],
    });

    // cfn-lint's schema declares these ids as EC2 security group ids (sg-...) and so rejects any
    // reference to a MediaLive input security group, whose ids are plain numbers. MediaLive
    // accepts nothing else here, so that one format check is switched off for this resource only.
    input.addMetadata('cfn-lint', {
      config: {
        ignore_checks: ['E1041'],
        ignore_reasons: { E1041: 'InputSecurityGroups holds MediaLive input security group ids, not EC2 security group ids.' },
      },
    });

    const encoderRole = new Role(this, 'EncoderRole', {
      assumedBy: new ServicePrincipal('medialive.amazonaws.com'),
      description: 'MediaLive: look up the one MediaPackage channel, write channel logs.',
    });
    // The MediaPackage output group finds its ingest URLs and credentials through DescribeChannel.
    encoderRole.addToPolicy(new PolicyStatement({ actions: ['mediapackage:DescribeChannel'], resources: [packager.attrArn] }));
    // MediaLive always writes its logs to the fixed ElementalMediaLive group, creating it on first use.
    const medialiveLogs = this.formatArn({ service: 'logs', resource: 'log-group', resourceName: 'ElementalMediaLive', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    encoderRole.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [medialiveLogs, `${medialiveLogs}:*`],
      }),
    );

    const audio = 'audio_aac';
    const encoder = new medialive.CfnChannel(this, 'Encoder', {
      name: `${this.stackName}-encoder`,
      // One pipeline in one Availability Zone: cheaper than a STANDARD channel's two, with no redundancy.
      channelClass: 'SINGLE_PIPELINE',
      roleArn: encoderRole.roleArn,
      logLevel: 'WARNING',
      inputSpecification: { codec: 'AVC', resolution: 'HD', maximumBitrate: 'MAX_10_MBPS' },
      inputAttachments: [
        {
          inputId: input.ref,
          inputAttachmentName: 'rtmp',
          inputSettings: { sourceEndBehavior: 'CONTINUE' },
        },
      ],
      destinations: [{ id: 'packager', mediaPackageSettings: [{ channelId: packager.ref }] }],
      encoderSettings: {
        timecodeConfig: { source: 'SYSTEMCLOCK' },
        audioDescriptions: [
          {
            name: audio,
            audioTypeControl: 'FOLLOW_INPUT',
            languageCodeControl: 'FOLLOW_INPUT',
            codecSettings: {
              aacSettings: { bitrate: 128_000, codingMode: 'CODING_MODE_2_0', sampleRate: 48_000, profile: 'LC', rateControlMode: 'CBR' },
            },
          },
        ],
        videoDescriptions: RENDITIONS.map((r) => ({
          name: r.name,
          width: r.width,
          height: r.height,
          respondToAfd: 'NONE',
          scalingBehavior: 'DEFAULT',
          codecSettings: {
            h264Settings: {
              rateControlMode: 'CBR',
              bitrate: r.bitrate,
              profile: 'MAIN',
              level: 'H264_LEVEL_AUTO',
              scanType: 'PROGRESSIVE',
              framerateControl: 'SPECIFIED',
              framerateNumerator: 30,
              framerateDenominator: 1,
              // Two-second GOPs divide MediaPackage's six-second segments evenly.
              gopSize: 2,
              gopSizeUnits: 'SECONDS',
              parControl: 'SPECIFIED',
              parNumerator: 1,
              parDenominator: 1,
            },
          },
        })),
        outputGroups: [
          {
            name: 'to-mediapackage',
            outputGroupSettings: { mediaPackageGroupSettings: { destination: { destinationRefId: 'packager' } } },
            outputs: RENDITIONS.map((r) => ({
              outputName: r.name.replace('video_', ''),
              videoDescriptionName: r.name,
              audioDescriptionNames: [audio],
              outputSettings: { mediaPackageOutputSettings: {} },
            })),
          },
        ],
      },
    });
    // MediaLive checks the role when the channel is created, so its policy must already exist.
    encoder.node.addDependency(encoderRole);

    // ---- Operations: alarm topic, automatic stop, cost budget ----
    const alarmTopic = new Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'The Media Live Stream alarms' });
    const alarmEmail = this.node.tryGetContext('alarmEmail') as string | undefined;
    if (alarmEmail) {
      Validations.of(alarmTopic.addSubscription(new EmailSubscription(alarmEmail))).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.',
      });
    }
    const notify = new SnsAction(alarmTopic);

    // A running channel bills by the hour whether or not video arrives. Every time it reaches
    // RUNNING, a workflow waits maxLiveHours and then stops it; stopping a channel that is
    // already stopped is a conflict, which counts as done.
    const stopChannel = new CallAwsService(this, 'StopChannel', {
      service: 'medialive',
      action: 'stopChannel',
      parameters: { ChannelId: encoder.ref },
      iamResources: [encoder.attrArn],
      iamAction: 'medialive:StopChannel',
    });
    stopChannel.addCatch(new Succeed(this, 'AlreadyStopped'), { errors: ['MediaLive.ConflictException'] });
    const autoStopLogs = new LogGroup(this, 'AutoStopLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const autoStop = new StateMachine(this, 'AutoStop', {
      comment: `Stops the MediaLive channel ${maxLiveHours} hours after it starts.`,
      definitionBody: DefinitionBody.fromChainable(
        new Wait(this, 'LiveWindow', { time: WaitTime.duration(Duration.hours(maxLiveHours)) }).next(stopChannel),
      ),
      tracingEnabled: true,
      logs: { destination: autoStopLogs, level: LogLevel.ALL, includeExecutionData: true },
    });
    const autoStopDlq = new Queue(this, 'AutoStopDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    new Rule(this, 'ChannelStartedRule', {
      description: 'Starts the automatic stop when the MediaLive channel reaches RUNNING.',
      eventPattern: {
        source: ['aws.medialive'],
        detailType: ['MediaLive Channel State Change'],
        detail: { channel_arn: [encoder.attrArn], state: ['RUNNING'] },
      },
      targets: [new SfnStateMachine(autoStop, { deadLetterQueue: autoStopDlq, retryAttempts: 10, maxEventAge: Duration.hours(2) })],
    });
    new Alarm(this, 'AutoStopDlqAlarm', {
      metric: autoStopDlq.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A channel start could not schedule its automatic stop. Stop the channel by hand (aws medialive stop-channel) and read the message in AutoStopDlq for the cause.',
    }).addAlarmAction(notify);
    new Alarm(this, 'AutoStopFailedAlarm', {
      metric: autoStop.metricFailed({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The automatic stop failed, so the MediaLive channel may still be running and billing. Stop it by hand and check the AutoStop execution history.',
    }).addAlarmAction(notify);

    // The guard behind the guard: the month's MediaLive and MediaPackage charges passing the limit.
    alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowBudgetsToPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const notifyAt = (notificationType: 'ACTUAL' | 'FORECASTED'): CfnBudget.NotificationWithSubscribersProperty => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
      subscribers: [{ subscriptionType: 'SNS', address: alarmTopic.topicArn }],
    });
    const budget = new CfnBudget(this, 'MonthlyCostBudget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: monthlyBudgetUsd, unit: 'USD' },
        costFilters: { Service: ['AWS Elemental MediaLive', 'AWS Elemental MediaPackage'] },
      },
      notificationsWithSubscribers: [notifyAt('ACTUAL'), notifyAt('FORECASTED')],
    });
    // Budgets checks that it may publish before it accepts the subscriber.
    budget.node.addDependency(alarmTopic);

    // ---- The player: private bucket, CloudFront in front of both the page and the stream ----
    const logs = new Bucket(this, 'LogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logs are still written through bucket ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const player = new Bucket(this, 'PlayerBucket', {
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
      comment: 'CSP, HSTS and friends for the live player',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: false, override: true },
      },
    });

    // https://<host>/out/v1/<hash>/index.m3u8 -> the host for the origin, the path for the player.
    const urlParts = Fn.split('/', hls.attrUrl);
    const packagerHost = Fn.select(2, urlParts);
    const manifestPath = Fn.join('/', ['', Fn.select(3, urlParts), Fn.select(4, urlParts), Fn.select(5, urlParts), Fn.select(6, urlParts)]);

    const distribution = new Distribution(this, 'Distribution', {
      comment: 'Live player page and its HLS stream on one origin',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(player),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      additionalBehaviors: {
        // Every viewer at an edge shares the same cached segments; MediaPackage sees a fraction of the requests.
        '/out/v1/*': {
          origin: new HttpOrigin(packagerHost, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.ELEMENTAL_MEDIA_PACKAGE,
          responseHeadersPolicy: securityHeaders,
        },
      },
      defaultRootObject: 'index.html',
      // Before the channel runs the manifest is a 404; cache that for two seconds, not the default ten.
      errorResponses: [{ httpStatus: 404, ttl: Duration.seconds(2) }],
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });

    const deployLogs = new LogGroup(this, 'DeployLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deployRole = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the player page and its config.json into the player bucket.',
    });
    deployLogs.grantWrite(deployRole);
    new BucketDeployment(this, 'DeployPlayer', {
      sources: [
        Source.asset(path.join(__dirname, '..', 'site')),
        // Written at deploy time, when the endpoint URL exists.
        Source.jsonData('config.json', { manifestPath }),
      ],
      destinationBucket: player,
      // A handful of small files without hashed names: revalidate them on every load.
      cacheControl: [CacheControl.noCache()],
      role: deployRole,
      logGroup: deployLogs,
    });

    new CfnOutput(this, 'PlayerUrl', { value: `https://${distribution.distributionDomainName}`, description: 'Open in Safari, or any browser with native HLS.' });
    new CfnOutput(this, 'ManifestUrl', { value: `https://${distribution.distributionDomainName}${manifestPath}`, description: 'For VLC, ffplay or any HLS player.' });
    new CfnOutput(this, 'RtmpUrl', { value: Fn.select(0, input.attrDestinations), description: 'OBS: server is this URL without /stream, stream key is stream.' });
    new CfnOutput(this, 'ChannelId', { value: encoder.ref, description: 'aws medialive start-channel / stop-channel --channel-id <this>' });
    new CfnOutput(this, 'IngestCidr', { value: ingestCidr });
    new CfnOutput(this, 'AutoStopHours', { value: String(maxLiveHours), description: 'The channel is stopped this many hours after each start.' });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Alarms and the cost budget notify this topic.' });

    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key would cost $1 a month, and the notifications carry only alarm names and states.',
    });
    for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(autoStopDlq).acknowledge({
        id,
        reason: 'This queue is itself the dead-letter queue of the channel-started rule; an alarm watches it and a person reads it.',
      });
    }
    Validations.of(autoStop).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segment and sampling actions accept no narrower resource; the StopChannel grant names the one channel.',
    });

    this.acknowledgeFindings({ logs, player, distribution, deployRole, encoderRole });
  }

  private acknowledgeFindings(r: { logs: Bucket; player: Bucket; distribution: Distribution; deployRole: Role; encoderRole: Role }) {
    Validations.of(r.logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop, and a second log bucket would have the same finding.',
    });
    Validations.of(r.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'A demo stream for any viewer; add a geo restriction when broadcast rights are limited to some countries.',
    });
    Validations.of(r.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'Only GET and HEAD for static files and HLS segments reach the origins; attach a WAF web ACL when the stream needs bot or rate protection.',
    });
    Validations.of(r.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'The distribution uses the default *.cloudfront.net certificate, whose TLS policy cannot be chosen; add a custom domain and ACM certificate for TLSv1.2_2021.',
    });
    Validations.of(r.encoderRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:ElementalMediaLive:*]',
      reason: 'MediaLive names one log stream per channel pipeline at run time; the grant stays inside the ElementalMediaLive log group.',
    });

    // BucketDeployment writes these grants itself; the keys it copies are only known at deploy time.
    const playerArn = `<${this.getLogicalId(r.player.node.defaultChild as CfnBucket)}.Arn>`;
    const envAgnostic = Token.isUnresolved(this.account) || Token.isUnresolved(this.region);
    const assetBucket = `cdk-hnb659fds-assets-${envAgnostic ? '<AWS::AccountId>-<AWS::Region>' : `${this.account}-${this.region}`}`;
    const wildcards: Record<string, string> = {
      'Action::s3:GetObject*': 'Reads the zipped player from the CDK asset bucket and, during sync, the objects already in the player bucket.',
      'Action::s3:GetBucket*': 'The AWS CLI sync inside the deployment function reads bucket location and settings of source and destination.',
      'Action::s3:List*': 'aws s3 sync lists the player bucket to decide which files changed; list actions cannot name single keys.',
      'Action::s3:DeleteObject*': 'Prunes files removed from site/ so the bucket matches the repository after each deploy.',
      'Action::s3:Abort*': 'Lets the CLI abort its own multipart uploads instead of leaving orphaned parts.',
      [`Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*`]:
        'The asset object keys are content hashes chosen at synth time; the grant stays inside the bootstrap asset bucket.',
      [`Resource::${playerArn}/*`]: 'The function must write any file of the player, so it needs every key in this one bucket and no other.',
    };
    for (const [finding, reason] of Object.entries(wildcards)) {
      Validations.of(r.deployRole).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }

    // The copy function is a singleton that aws-cdk-lib defines and versions; we only choose its role and log group.
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
