"""RTMP into MediaLive, HLS from MediaPackage, played through CloudFront, stopped automatically."""

import math
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, Annotations, ArnFormat, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Token, Validations
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_medialive as medialive
from aws_cdk import aws_mediapackage as mediapackage
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from the_media_live_stream.ingest_cidr import parse_ingest_cidr

# The player page: plain HTML, CSS and JavaScript, the same files as the TypeScript app's.
SITE = Path(__file__).resolve().parent.parent / "site"

# TEST-NET-1: routes nowhere, so a deploy without -c ingestCidr=... accepts no stream at all.
PLACEHOLDER_CIDR = "192.0.2.1/32"

# How long a started channel may run before the stack stops it, unless -c maxLiveHours=... says otherwise.
DEFAULT_MAX_LIVE_HOURS = 4
# Default monthly limit of the MediaLive and MediaPackage cost budget, in US dollars.
DEFAULT_MONTHLY_BUDGET_USD = 20

# The renditions MediaLive encodes; MediaPackage turns them into one HLS ladder.
RENDITIONS: tuple[dict[str, Any], ...] = (
    {"name": "video_720p30", "width": 1280, "height": 720, "bitrate": 3_000_000},
    {"name": "video_360p30", "width": 640, "height": 360, "bitrate": 800_000},
)

# The player and the stream come from one origin, so media-src and connect-src can stay at 'self'.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


def _whole(value: float) -> float:
    return int(value) if float(value).is_integer() else value


class TheMediaLiveStreamStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        ingest_cidr: str | None = None,
        max_live_hours: float | None = None,
        monthly_budget_usd: float | None = None,
        **kwargs: Any,
    ) -> None:
        """ingest_cidr: the only IPv4 range allowed to push RTMP, e.g. your public address as a /32.
        max_live_hours: hours after each start at which the channel is stopped automatically (1 to 24).
        monthly_budget_usd: monthly limit of the cost budget in US dollars."""
        super().__init__(scope, construct_id, **kwargs)
        cidr = parse_ingest_cidr(PLACEHOLDER_CIDR if ingest_cidr is None else ingest_cidr)
        hours = DEFAULT_MAX_LIVE_HOURS if max_live_hours is None else max_live_hours
        if not (isinstance(hours, (int, float)) and math.isfinite(hours) and float(hours).is_integer() and 1 <= hours <= 24):
            raise ValueError(f"maxLiveHours must be a whole number of hours from 1 to 24, got {max_live_hours}")
        hours = int(hours)
        budget_usd = DEFAULT_MONTHLY_BUDGET_USD if monthly_budget_usd is None else monthly_budget_usd
        if not (isinstance(budget_usd, (int, float)) and math.isfinite(budget_usd) and budget_usd > 0):
            raise ValueError(f"monthlyBudgetUsd must be a positive number of US dollars, got {monthly_budget_usd}")
        if cidr == PLACEHOLDER_CIDR:
            Annotations.of(self).add_warning_v2(
                "media-live-stream:placeholder-cidr",
                "No ingestCidr given: the input accepts RTMP from nobody. Deploy with -c ingestCidr=<your public IP>/32.",
            )

        # ---- Packaging: MediaPackage v1 channel and one HLS endpoint ----
        ingress_logs = logs.LogGroup(
            self,
            "PackagerIngressLogs",
            log_group_name=f"/aws/MediaPackage/{self.stack_name}-ingress",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        egress_logs = logs.LogGroup(
            self,
            "PackagerEgressLogs",
            log_group_name=f"/aws/MediaPackage/{self.stack_name}-egress",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        packager = mediapackage.CfnChannel(
            self,
            "Packager",
            id=f"{self.stack_name}-packager",
            description="Receives the MediaLive renditions and repackages them for viewers.",
            ingress_access_logs=mediapackage.CfnChannel.LogConfigurationProperty(log_group_name=ingress_logs.log_group_name),
            egress_access_logs=mediapackage.CfnChannel.LogConfigurationProperty(log_group_name=egress_logs.log_group_name),
        )
        hls = mediapackage.CfnOriginEndpoint(
            self,
            "HlsEndpoint",
            channel_id=packager.ref,
            id=f"{self.stack_name}-hls",
            description="HLS for the player, pulled through CloudFront.",
            manifest_name="index",
            origination="ALLOW",
            hls_package=mediapackage.CfnOriginEndpoint.HlsPackageProperty(
                # 6-second segments and a one-minute live window: the usual trade between latency and rebuffering.
                segment_duration_seconds=6,
                playlist_window_seconds=60,
                playlist_type="NONE",
                ad_markers="NONE",
                include_iframe_only_stream=False,
                use_audio_rendition_group=False,
                stream_selection=mediapackage.CfnOriginEndpoint.StreamSelectionProperty(stream_order="VIDEO_BITRATE_DESCENDING"),
            ),
        )

        # ---- Encoding: MediaLive input, its allow list, the channel and its role ----
        allow_list = medialive.CfnInputSecurityGroup(
            self, "IngestAllowList", whitelist_rules=[medialive.CfnInputSecurityGroup.InputWhitelistRuleCidrProperty(cidr=cidr)]
        )
        rtmp_input = medialive.CfnInput(
            self,
            "RtmpInput",
            name=f"{self.stack_name}-rtmp",
            type="RTMP_PUSH",
            input_security_groups=[allow_list.ref],
            # One destination, because a single-pipeline channel has one encoder to feed.
            destinations=[medialive.CfnInput.InputDestinationRequestProperty(stream_name="live/stream")],
        )

        # cfn-lint's schema declares these ids as EC2 security group ids (sg-...) and so rejects any
        # reference to a MediaLive input security group, whose ids are plain numbers. MediaLive
        # accepts nothing else here, so that one format check is switched off for this resource only.
        rtmp_input.add_metadata(
            "cfn-lint",
            {
                "config": {
                    "ignore_checks": ["E1041"],
                    "ignore_reasons": {"E1041": "InputSecurityGroups holds MediaLive input security group ids, not EC2 security group ids."},
                }
            },
        )

        encoder_role = iam.Role(
            self,
            "EncoderRole",
            assumed_by=iam.ServicePrincipal("medialive.amazonaws.com"),
            description="MediaLive: look up the one MediaPackage channel, write channel logs.",
        )
        # The MediaPackage output group finds its ingest URLs and credentials through DescribeChannel.
        encoder_role.add_to_policy(iam.PolicyStatement(actions=["mediapackage:DescribeChannel"], resources=[packager.attr_arn]))
        # MediaLive always writes its logs to the fixed ElementalMediaLive group, creating it on first use.
        medialive_logs = self.format_arn(
            service="logs", resource="log-group", resource_name="ElementalMediaLive", arn_format=ArnFormat.COLON_RESOURCE_NAME
        )
        encoder_role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources=[medialive_logs, f"{medialive_logs}:*"],
            )
        )

        audio = "audio_aac"
        encoder = medialive.CfnChannel(
            self,
            "Encoder",
            name=f"{self.stack_name}-encoder",
            # One pipeline in one Availability Zone: cheaper than a STANDARD channel's two, with no redundancy.
            channel_class="SINGLE_PIPELINE",
            role_arn=encoder_role.role_arn,
            log_level="WARNING",
            input_specification={"codec": "AVC", "resolution": "HD", "maximumBitrate": "MAX_10_MBPS"},
            input_attachments=[{"inputId": rtmp_input.ref, "inputAttachmentName": "rtmp", "inputSettings": {"sourceEndBehavior": "CONTINUE"}}],
            destinations=[{"id": "packager", "mediaPackageSettings": [{"channelId": packager.ref}]}],
            encoder_settings={
                "timecodeConfig": {"source": "SYSTEMCLOCK"},
                "audioDescriptions": [
                    {
                        "name": audio,
                        "audioTypeControl": "FOLLOW_INPUT",
                        "languageCodeControl": "FOLLOW_INPUT",
                        "codecSettings": {
                            "aacSettings": {
                                "bitrate": 128_000,
                                "codingMode": "CODING_MODE_2_0",
                                "sampleRate": 48_000,
                                "profile": "LC",
                                "rateControlMode": "CBR",
                            }
                        },
                    }
                ],
                "videoDescriptions": [
                    {
                        "name": r["name"],
                        "width": r["width"],
                        "height": r["height"],
                        "respondToAfd": "NONE",
                        "scalingBehavior": "DEFAULT",
                        "codecSettings": {
                            "h264Settings": {
                                "rateControlMode": "CBR",
                                "bitrate": r["bitrate"],
                                "profile": "MAIN",
                                "level": "H264_LEVEL_AUTO",
                                "scanType": "PROGRESSIVE",
                                "framerateControl": "SPECIFIED",
                                "framerateNumerator": 30,
                                "framerateDenominator": 1,
                                # Two-second GOPs divide MediaPackage's six-second segments evenly.
                                "gopSize": 2,
                                "gopSizeUnits": "SECONDS",
                                "parControl": "SPECIFIED",
                                "parNumerator": 1,
                                "parDenominator": 1,
                            }
                        },
                    }
                    for r in RENDITIONS
                ],
                "outputGroups": [
                    {
                        "name": "to-mediapackage",
                        "outputGroupSettings": {"mediaPackageGroupSettings": {"destination": {"destinationRefId": "packager"}}},
                        "outputs": [
                            {
                                "outputName": r["name"].replace("video_", "", 1),
                                "videoDescriptionName": r["name"],
                                "audioDescriptionNames": [audio],
                                "outputSettings": {"mediaPackageOutputSettings": {}},
                            }
                            for r in RENDITIONS
                        ],
                    }
                ],
            },
        )
        # MediaLive checks the role when the channel is created, so its policy must already exist.
        encoder.node.add_dependency(encoder_role)

        # ---- Operations: alarm topic, automatic stop, cost budget ----
        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="The Media Live Stream alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        notify = cw_actions.SnsAction(alarm_topic)

        # A running channel bills by the hour whether or not video arrives. Every time it reaches
        # RUNNING, a workflow waits max_live_hours and then stops it; stopping a channel that is
        # already stopped is a conflict, which counts as done.
        stop_channel = tasks.CallAwsService(
            self,
            "StopChannel",
            service="medialive",
            action="stopChannel",
            parameters={"ChannelId": encoder.ref},
            iam_resources=[encoder.attr_arn],
            iam_action="medialive:StopChannel",
        )
        stop_channel.add_catch(sfn.Succeed(self, "AlreadyStopped"), errors=["MediaLive.ConflictException"])
        auto_stop_logs = logs.LogGroup(self, "AutoStopLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        auto_stop = sfn.StateMachine(
            self,
            "AutoStop",
            comment=f"Stops the MediaLive channel {hours} hours after it starts.",
            definition_body=sfn.DefinitionBody.from_chainable(
                sfn.Wait(self, "LiveWindow", time=sfn.WaitTime.duration(Duration.hours(hours))).next(stop_channel)
            ),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=auto_stop_logs, level=sfn.LogLevel.ALL, include_execution_data=True),
        )
        auto_stop_dlq = sqs.Queue(
            self,
            "AutoStopDlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        channel_started = events.Rule(
            self,
            "ChannelStartedRule",
            description="Starts the automatic stop when the MediaLive channel reaches RUNNING.",
            event_pattern=events.EventPattern(source=["aws.medialive"]),
            targets=[targets.SfnStateMachine(auto_stop, dead_letter_queue=auto_stop_dlq, retry_attempts=10, max_event_age=Duration.hours(2))],
        )
        # Added field by field: EventPattern(...) keeps its keyword order (detail first), and the
        # template should read source, detail-type, detail like every other rule in the catalog.
        channel_started.add_event_pattern(detail_type=["MediaLive Channel State Change"])
        channel_started.add_event_pattern(detail={"channel_arn": [encoder.attr_arn], "state": ["RUNNING"]})
        cloudwatch.Alarm(
            self,
            "AutoStopDlqAlarm",
            metric=auto_stop_dlq.metric_approximate_number_of_messages_visible(statistic="Maximum", period=Duration.minutes(1)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "A channel start could not schedule its automatic stop. Stop the channel by hand (aws medialive stop-channel) "
                "and read the message in AutoStopDlq for the cause."
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "AutoStopFailedAlarm",
            metric=auto_stop.metric_failed(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The automatic stop failed, so the MediaLive channel may still be running and billing. Stop it by hand and check "
                "the AutoStop execution history."
            ),
        ).add_alarm_action(notify)

        # The guard behind the guard: the month's MediaLive and MediaPackage charges passing the limit.
        alarm_topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowBudgetsToPublish",
                effect=iam.Effect.ALLOW,
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[alarm_topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            )
        )

        def notify_at(notification_type: str) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
            return budgets.CfnBudget.NotificationWithSubscribersProperty(
                notification=budgets.CfnBudget.NotificationProperty(
                    notification_type=notification_type, comparison_operator="GREATER_THAN", threshold=100, threshold_type="PERCENTAGE"
                ),
                subscribers=[budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=alarm_topic.topic_arn)],
            )

        budget = budgets.CfnBudget(
            self,
            "MonthlyCostBudget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=_whole(budget_usd), unit="USD"),
                cost_filters={"Service": ["AWS Elemental MediaLive", "AWS Elemental MediaPackage"]},
            ),
            notifications_with_subscribers=[notify_at("ACTUAL"), notify_at("FORECASTED")],
        )
        # Budgets checks that it may publish before it accepts the subscriber.
        budget.node.add_dependency(alarm_topic)

        # ---- The player: private bucket, CloudFront in front of both the page and the stream ----
        log_bucket = s3.Bucket(
            self,
            "LogsBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            # CloudFront standard logs are still written through bucket ACLs.
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )
        player = s3.Bucket(
            self,
            "PlayerBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=log_bucket,
            server_access_logs_prefix="s3-access/",
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )

        security_headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="CSP, HSTS and friends for the live player",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(content_security_policy=CONTENT_SECURITY_POLICY, override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365), include_subdomains=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
                xss_protection=cloudfront.ResponseHeadersXSSProtection(protection=False, override=True),
            ),
        )

        # https://<host>/out/v1/<hash>/index.m3u8 -> the host for the origin, the path for the player.
        url_parts = Fn.split("/", hls.attr_url)
        packager_host = Fn.select(2, url_parts)
        manifest_path = Fn.join("/", ["", Fn.select(3, url_parts), Fn.select(4, url_parts), Fn.select(5, url_parts), Fn.select(6, url_parts)])

        distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Live player page and its HLS stream on one origin",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(player),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=security_headers,
                compress=True,
            ),
            additional_behaviors={
                # Every viewer at an edge shares the same cached segments; MediaPackage sees a fraction of the requests.
                "/out/v1/*": cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin(
                        packager_host,
                        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                        origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
                    ),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                    cache_policy=cloudfront.CachePolicy.ELEMENTAL_MEDIA_PACKAGE,
                    response_headers_policy=security_headers,
                ),
            },
            default_root_object="index.html",
            # Before the channel runs the manifest is a 404; cache that for two seconds, not the default ten.
            error_responses=[cloudfront.ErrorResponse(http_status=404, ttl=Duration.seconds(2))],
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=log_bucket,
            log_file_prefix="cloudfront/",
        )

        deploy_logs = logs.LogGroup(self, "DeployLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        deploy_role = iam.Role(
            self,
            "DeployRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Copies the player page and its config.json into the player bucket.",
        )
        deploy_logs.grant_write(deploy_role)
        s3deploy.BucketDeployment(
            self,
            "DeployPlayer",
            sources=[
                s3deploy.Source.asset(str(SITE)),
                # Written at deploy time, when the endpoint URL exists.
                s3deploy.Source.json_data("config.json", {"manifestPath": manifest_path}),
            ],
            destination_bucket=player,
            # A handful of small files without hashed names: revalidate them on every load.
            cache_control=[s3deploy.CacheControl.no_cache()],
            role=deploy_role,
            log_group=deploy_logs,
        )

        CfnOutput(
            self, "PlayerUrl", value=f"https://{distribution.distribution_domain_name}", description="Open in Safari, or any browser with native HLS."
        )
        CfnOutput(
            self,
            "ManifestUrl",
            value=f"https://{distribution.distribution_domain_name}{manifest_path}",
            description="For VLC, ffplay or any HLS player.",
        )
        CfnOutput(
            self,
            "RtmpUrl",
            value=Fn.select(0, rtmp_input.attr_destinations),
            description="OBS: server is this URL without /stream, stream key is stream.",
        )
        CfnOutput(self, "ChannelId", value=encoder.ref, description="aws medialive start-channel / stop-channel --channel-id <this>")
        CfnOutput(self, "IngestCidr", value=cidr)
        CfnOutput(self, "AutoStopHours", value=str(hours), description="The channel is stopped this many hours after each start.")
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn, description="Alarms and the cost budget notify this topic.")

        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key "
                    "would cost $1 a month, and the notifications carry only alarm names and states."
                ),
            )
        )
        for rule in ("AwsSolutions-SQS3", "Serverless-SQSRedrivePolicy"):
            Validations.of(auto_stop_dlq).acknowledge(
                Acknowledgment(
                    id=rule,
                    reason="This queue is itself the dead-letter queue of the channel-started rule; an alarm watches it and a person reads it.",
                )
            )
        Validations.of(auto_stop).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segment and sampling actions accept no narrower resource; the StopChannel grant names the one channel.",
            )
        )

        self._acknowledge_findings(log_bucket, player, distribution, deploy_role, encoder_role)

    def _acknowledge_findings(
        self, log_bucket: s3.Bucket, player: s3.Bucket, distribution: cloudfront.Distribution, deploy_role: iam.Role, encoder_role: iam.Role
    ) -> None:
        Validations.of(log_bucket).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason="This is the access-log bucket itself; logging it into itself would loop, and a second log bucket would have the same finding.",
            )
        )
        Validations.of(distribution).acknowledge(
            Acknowledgment(
                id="AwsSolutions-CFR1",
                reason="A demo stream for any viewer; add a geo restriction when broadcast rights are limited to some countries.",
            )
        )
        Validations.of(distribution).acknowledge(
            Acknowledgment(
                id="AwsSolutions-CFR2",
                reason=(
                    "Only GET and HEAD for static files and HLS segments reach the origins; attach a WAF web ACL when the stream needs "
                    "bot or rate protection."
                ),
            )
        )
        Validations.of(distribution).acknowledge(
            Acknowledgment(
                id="AwsSolutions-CFR4",
                reason=(
                    "The distribution uses the default *.cloudfront.net certificate, whose TLS policy cannot be chosen; add a custom "
                    "domain and ACM certificate for TLSv1.2_2021."
                ),
            )
        )
        Validations.of(encoder_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:ElementalMediaLive:*]",
                reason="MediaLive names one log stream per channel pipeline at run time; the grant stays inside the ElementalMediaLive log group.",
            )
        )

        # BucketDeployment writes these grants itself; the keys it copies are only known at deploy time.
        player_arn = f"<{self.get_logical_id(player.node.default_child)}.Arn>"  # type: ignore[arg-type]
        env_agnostic = Token.is_unresolved(self.account) or Token.is_unresolved(self.region)
        asset_bucket = "cdk-hnb659fds-assets-" + ("<AWS::AccountId>-<AWS::Region>" if env_agnostic else f"{self.account}-{self.region}")
        wildcards = {
            "Action::s3:GetObject*": "Reads the zipped player from the CDK asset bucket and, during sync, the objects already in the player bucket.",
            "Action::s3:GetBucket*": "The AWS CLI sync inside the deployment function reads bucket location and settings of source and destination.",
            "Action::s3:List*": "aws s3 sync lists the player bucket to decide which files changed; list actions cannot name single keys.",
            "Action::s3:DeleteObject*": "Prunes files removed from site/ so the bucket matches the repository after each deploy.",
            "Action::s3:Abort*": "Lets the CLI abort its own multipart uploads instead of leaving orphaned parts.",
            f"Resource::arn:<AWS::Partition>:s3:::{asset_bucket}/*": (
                "The asset object keys are content hashes chosen at synth time; the grant stays inside the bootstrap asset bucket."
            ),
            f"Resource::{player_arn}/*": "The function must write any file of the player, so it needs every key in this one bucket and no other.",
        }
        for finding, reason in wildcards.items():
            Validations.of(deploy_role).acknowledge(Acknowledgment(id=f"AwsSolutions-IAM5[{finding}]", reason=reason))

        # The copy function is a singleton that aws-cdk-lib defines and versions; we only choose its role and log group.
        deploy_function = next((c for c in self.node.children if c.node.id.startswith("Custom::CDKBucketDeployment")), None)
        if deploy_function is not None:
            cdk_owned = "aws-cdk-lib picks and upgrades this Python runtime with the library, not in this stack."
            Validations.of(deploy_function).acknowledge(Acknowledgment(id="AwsSolutions-L1", reason=cdk_owned))
            Validations.of(deploy_function).acknowledge(Acknowledgment(id="Serverless-LambdaLatestVersion", reason=cdk_owned))
            Validations.of(deploy_function).acknowledge(
                Acknowledgment(
                    id="Serverless-LambdaDLQ",
                    reason=(
                        "CloudFormation calls it once per deploy and waits for its answer; a failure fails the deploy, so a dead-letter "
                        "queue would hold nothing anyone reads."
                    ),
                )
            )
            Validations.of(deploy_function).acknowledge(
                Acknowledgment(
                    id="Serverless-LambdaTracing",
                    reason="Runs only during cdk deploy; the AWS CLI output it writes to DeployLogs is enough to debug a failed copy.",
                )
            )
