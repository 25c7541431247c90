import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { appFromCdkJson } from './cdk-app';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import {
  CONTENT_SECURITY_POLICY,
  DEFAULT_MAX_LIVE_HOURS,
  DEFAULT_MONTHLY_BUDGET_USD,
  PLACEHOLDER_CIDR,
  RENDITIONS,
  TheMediaLiveStreamStack,
} from '../lib/the-media-live-stream-stack';

function only(template: Template, type: string): { id: string; props: any } {
  const found = Object.entries(template.findResources(type));
  assert.equal(found.length, 1, `expected exactly one ${type}`);
  return { id: found[0][0], props: found[0][1].Properties };
}

/** The state machine definition as JSON, with each reference written as "<LogicalId>" or "<LogicalId.Attr>". */
function definitionOf(template: Template): any {
  const { props } = only(template, 'AWS::StepFunctions::StateMachine');
  const [, parts] = props.DefinitionString['Fn::Join'] as [string, unknown[]];
  const text = parts
    .map((part: any) => {
      if (typeof part === 'string') return part;
      if (part.Ref) return `<${part.Ref}>`;
      return `<${part['Fn::GetAtt'].join('.')}>`;
    })
    .join('');
  return JSON.parse(text);
}

function statements(template: Template, type: string): any[] {
  return Object.values(template.findResources(type)).flatMap((r) => r.Properties.PolicyDocument.Statement);
}

describe('TheMediaLiveStreamStack', () => {
  let stack: TheMediaLiveStreamStack;
  let template: Template;

  before(() => {
    stack = new TheMediaLiveStreamStack(appFromCdkJson(), 'Under-Test', { ingestCidr: '203.0.113.7/32' });
    template = Template.fromStack(stack);
  });

  test('accepts RTMP only from the given CIDR', () => {
    const group = only(template, 'AWS::MediaLive::InputSecurityGroup');
    assert.deepEqual(group.props.WhitelistRules, [{ Cidr: '203.0.113.7/32' }]);
    const input = only(template, 'AWS::MediaLive::Input');
    assert.equal(input.props.Type, 'RTMP_PUSH');
    assert.deepEqual(input.props.InputSecurityGroups, [{ Ref: group.id }]);
    assert.equal(input.props.Destinations.length, 1, 'a single-pipeline channel needs one destination');
  });

  test('falls back to an address that matches nobody, and says so, when no CIDR is given', () => {
    const bare = new TheMediaLiveStreamStack(appFromCdkJson(), 'No-Cidr');
    Template.fromStack(bare).hasResourceProperties('AWS::MediaLive::InputSecurityGroup', { WhitelistRules: [{ Cidr: PLACEHOLDER_CIDR }] });
    Annotations.fromStack(bare).hasWarning('/No-Cidr', Match.stringLikeRegexp('ingestCidr'));
  });

  test('refuses an open input at synth time', () => {
    assert.throws(() => new TheMediaLiveStreamStack(appFromCdkJson(), 'Open', { ingestCidr: '0.0.0.0/0' }), /wider than/);
  });

  test('runs one pipeline that reads the RTMP input and sends H.264 renditions to the MediaPackage channel', () => {
    const channel = only(template, 'AWS::MediaLive::Channel');
    const input = only(template, 'AWS::MediaLive::Input');
    const packager = only(template, 'AWS::MediaPackage::Channel');
    assert.equal(channel.props.ChannelClass, 'SINGLE_PIPELINE');
    assert.deepEqual(channel.props.InputAttachments[0].InputId, { Ref: input.id });
    assert.deepEqual(channel.props.Destinations, [{ Id: 'packager', MediaPackageSettings: [{ ChannelId: { Ref: packager.id } }] }]);

    const settings = channel.props.EncoderSettings;
    const [group] = settings.OutputGroups;
    assert.deepEqual(group.OutputGroupSettings, { MediaPackageGroupSettings: { Destination: { DestinationRefId: 'packager' } } });
    assert.deepEqual(
      group.Outputs.map((o: any) => o.VideoDescriptionName),
      RENDITIONS.map((r) => r.name),
    );
    for (const video of settings.VideoDescriptions) {
      assert.ok(video.CodecSettings.H264Settings, `${video.Name} is not H.264`);
      assert.equal(video.CodecSettings.H264Settings.GopSize, 2);
      assert.equal(video.CodecSettings.H264Settings.GopSizeUnits, 'SECONDS');
    }
    for (const output of group.Outputs) assert.deepEqual(output.AudioDescriptionNames, ['audio_aac']);
  });

  test('lets MediaLive describe only its MediaPackage channel and write only its own log group', () => {
    const channel = only(template, 'AWS::MediaLive::Channel');
    const encoderRole = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('EncoderRole'));
    assert.deepEqual(channel.props.RoleArn, { 'Fn::GetAtt': [encoderRole, 'Arn'] });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'medialive.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
    const policy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('EncoderRole'))?.[1];
    const granted = policy?.Properties.PolicyDocument.Statement as any[];
    assert.deepEqual(granted[0], { Action: 'mediapackage:DescribeChannel', Effect: 'Allow', Resource: { 'Fn::GetAtt': ['Packager', 'Arn'] } });
    assert.match(JSON.stringify(granted[1].Resource), /:log-group:ElementalMediaLive"/);
    assert.equal(granted.length, 2);
    assert.ok(!granted.flatMap((s) => [s.Action].flat()).some((a: string) => a.endsWith('*')), 'no wildcard actions');
  });

  test('packages HLS with six-second segments and logs MediaPackage traffic with a retention', () => {
    template.hasResourceProperties('AWS::MediaPackage::OriginEndpoint', {
      ChannelId: { Ref: 'Packager' },
      ManifestName: 'index',
      HlsPackage: Match.objectLike({ SegmentDurationSeconds: 6, PlaylistWindowSeconds: 60 }),
    });
    const packager = only(template, 'AWS::MediaPackage::Channel');
    for (const key of ['IngressAccessLogs', 'EgressAccessLogs']) {
      assert.match(JSON.stringify(packager.props[key]), /Ref/);
    }
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties);
    assert.ok(groups.every((g) => g.RetentionInDays === 30));
    assert.deepEqual(
      groups.map((g) => g.LogGroupName).filter(Boolean),
      ['/aws/MediaPackage/Under-Test-ingress', '/aws/MediaPackage/Under-Test-egress'],
    );
  });

  test('serves the player from a private bucket and the stream from MediaPackage on one CloudFront domain', () => {
    const distribution = only(template, 'AWS::CloudFront::Distribution').props.DistributionConfig;
    assert.equal(distribution.DefaultRootObject, 'index.html');
    assert.ok(distribution.Origins[0].OriginAccessControlId, 'the bucket origin uses OAC');
    const media = distribution.Origins[1];
    assert.deepEqual(media.CustomOriginConfig, { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    assert.deepEqual(media.DomainName, { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['HlsEndpoint', 'Url'] }] }] });
    const [stream] = distribution.CacheBehaviors;
    assert.equal(stream.PathPattern, '/out/v1/*');
    assert.equal(stream.TargetOriginId, media.Id);
    assert.equal(stream.ViewerProtocolPolicy, 'redirect-to-https');
    assert.deepEqual(stream.AllowedMethods, ['GET', 'HEAD']);
    // The managed Elemental-MediaPackage cache policy.
    assert.equal(stream.CachePolicyId, '08627262-05a9-4f76-9ded-b50ca2e3a84f');
    // No SPA fallback: a missing manifest must stay a 404 for the player to wait on.
    assert.deepEqual(distribution.CustomErrorResponses, [{ ErrorCode: 404, ErrorCachingMinTTL: 2 }]);
  });

  test('lets only the distribution read the player bucket, over TLS', () => {
    const reads = statements(template, 'AWS::S3::BucketPolicy').filter((s) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    assert.equal(reads.length, 1);
    assert.equal(reads[0].Action, 's3:GetObject');
    assert.ok(reads[0].Condition.StringEquals['AWS:SourceArn']);
    const denies = statements(template, 'AWS::S3::BucketPolicy').filter((s) => s.Effect === 'Deny');
    assert.equal(denies.length, 2);
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      assert.equal(bucket.Properties.PublicAccessBlockConfiguration.RestrictPublicBuckets, true);
    }
  });

  test('writes config.json at deploy time from the endpoint URL and keeps media same-origin in the CSP', () => {
    const deployment = only(template, 'Custom::CDKBucketDeployment').props;
    assert.equal(deployment.SourceObjectKeys.length, 2);
    assert.match(JSON.stringify(deployment.SourceMarkers), /HlsEndpoint/);
    assert.equal(deployment.SystemMetadata['cache-control'], 'no-cache');
    assert.match(CONTENT_SECURITY_POLICY, /media-src 'self'/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /https?:|unsafe/);
  });

  test('stops the channel a fixed number of hours after every start', () => {
    const channel = only(template, 'AWS::MediaLive::Channel');
    const machine = only(template, 'AWS::StepFunctions::StateMachine');
    const rule = only(template, 'AWS::Events::Rule');
    assert.deepEqual(rule.props.EventPattern, {
      source: ['aws.medialive'],
      'detail-type': ['MediaLive Channel State Change'],
      detail: { channel_arn: [{ 'Fn::GetAtt': [channel.id, 'Arn'] }], state: ['RUNNING'] },
    });
    const [target] = rule.props.Targets;
    assert.deepEqual(target.Arn, { Ref: machine.id });
    assert.ok(target.DeadLetterConfig.Arn, 'undeliverable start events land in a dead-letter queue');

    const definition = definitionOf(template);
    const wait = definition.States[definition.StartAt];
    assert.equal(wait.Type, 'Wait');
    assert.equal(wait.Seconds, DEFAULT_MAX_LIVE_HOURS * 3600);
    const stop = definition.States[wait.Next];
    assert.match(stop.Resource, /:states:::aws-sdk:medialive:stopChannel$/);
    assert.deepEqual(stop.Parameters, { ChannelId: `<${channel.id}>` });
    // A channel someone already stopped answers with a conflict, which is the outcome we wanted.
    assert.deepEqual(stop.Catch.map((c: any) => [c.ErrorEquals, definition.States[c.Next].Type]), [[['MediaLive.ConflictException'], 'Succeed']]);

    const stopGrant = statements(template, 'AWS::IAM::Policy').filter((st) => [st.Action].flat().includes('medialive:StopChannel'));
    assert.deepEqual(stopGrant.map((st) => st.Resource), [{ 'Fn::GetAtt': [channel.id, 'Arn'] }]);
  });

  test('takes the automatic stop from maxLiveHours and refuses values outside 1 to 24', () => {
    const short = Template.fromStack(new TheMediaLiveStreamStack(appFromCdkJson(), 'Short', { ingestCidr: '203.0.113.7/32', maxLiveHours: 2 }));
    const definition = definitionOf(short);
    assert.equal(definition.States[definition.StartAt].Seconds, 7200);
    for (const bad of [0, 25, 1.5, Number.NaN]) {
      assert.throws(() => new TheMediaLiveStreamStack(appFromCdkJson(), `Bad-${String(bad).replace('.', '')}`, { maxLiveHours: bad }), /maxLiveHours/);
    }
  });

  test('sends every alarm and the cost budget to the one alarm topic', () => {
    const topic = only(template, 'AWS::SNS::Topic');
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    assert.deepEqual(alarms.map(([id]) => id.replace(/[A-F0-9]{8}$/, '')).sort(), ['AutoStopDlqAlarm', 'AutoStopFailedAlarm']);
    for (const [id, alarm] of alarms) assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic.id }], id);
    const dlq = only(template, 'AWS::SQS::Queue');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq.id, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Threshold: 1 });

    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: DEFAULT_MONTHLY_BUDGET_USD, Unit: 'USD' },
        CostFilters: { Service: ['AWS Elemental MediaLive', 'AWS Elemental MediaPackage'] },
      },
      NotificationsWithSubscribers: Match.arrayWith([
        { Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 100 }), Subscribers: [{ SubscriptionType: 'SNS', Address: { Ref: topic.id } }] },
      ]),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'budgets.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const mailed = Template.fromStack(new TheMediaLiveStreamStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Mailed'));
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('passes the AwsSolutions and Serverless cdk-nag packs with every exception acknowledged', () => {
    const withEmail = new TheMediaLiveStreamStack(appFromCdkJson({ alarmEmail: 'ops@example.com' }), 'Nag-With-Email', { ingestCidr: '203.0.113.7/32' });
    for (const [pack, scope] of [stack, withEmail].flatMap((s) => [new AwsSolutionsChecks(), new ServerlessChecks()].map((p) => [p, s] as const))) {
      const report = pack.validateScope(scope);
      const open = report.violations.map((v) => `${v.ruleName}: ${v.description}`);
      assert.deepEqual(open, [], `${pack.name} has unacknowledged findings in ${scope.node.id}`);
    }
  });
});
