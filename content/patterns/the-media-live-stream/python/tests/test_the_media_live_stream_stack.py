import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Annotations, Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_media_live_stream.the_media_live_stream_stack import (
    CONTENT_SECURITY_POLICY,
    DEFAULT_MAX_LIVE_HOURS,
    DEFAULT_MONTHLY_BUDGET_USD,
    PLACEHOLDER_CIDR,
    RENDITIONS,
    TheMediaLiveStreamStack,
)


@pytest.fixture(scope="module")
def stack() -> TheMediaLiveStreamStack:
    return TheMediaLiveStreamStack(app_from_cdk_json(), "Under-Test", ingest_cidr="203.0.113.7/32")


@pytest.fixture(scope="module")
def template(stack: TheMediaLiveStreamStack) -> Template:
    return Template.from_stack(stack)


def only(template: Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    found = list(template.find_resources(resource_type).items())
    assert len(found) == 1, f"expected exactly one {resource_type}"
    return found[0][0], found[0][1]["Properties"]


def definition_of(template: Template) -> dict[str, Any]:
    """The state machine definition, with each reference written as "<LogicalId>" or "<LogicalId.Attr>"."""
    _, props = only(template, "AWS::StepFunctions::StateMachine")
    _, parts = props["DefinitionString"]["Fn::Join"]

    def text(part: Any) -> str:
        if isinstance(part, str):
            return part
        if "Ref" in part:
            return f"<{part['Ref']}>"
        return f"<{'.'.join(part['Fn::GetAtt'])}>"

    return json.loads("".join(text(p) for p in parts))


def statements(template: Template, resource_type: str) -> list[dict[str, Any]]:
    return [s for r in template.find_resources(resource_type).values() for s in r["Properties"]["PolicyDocument"]["Statement"]]


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def test_accepts_rtmp_only_from_the_given_cidr(template: Template) -> None:
    group_id, group = only(template, "AWS::MediaLive::InputSecurityGroup")
    assert group["WhitelistRules"] == [{"Cidr": "203.0.113.7/32"}]
    _, rtmp_input = only(template, "AWS::MediaLive::Input")
    assert rtmp_input["Type"] == "RTMP_PUSH"
    assert rtmp_input["InputSecurityGroups"] == [{"Ref": group_id}]
    assert len(rtmp_input["Destinations"]) == 1, "a single-pipeline channel needs one destination"


def test_falls_back_to_an_address_that_matches_nobody_and_says_so_when_no_cidr_is_given() -> None:
    bare = TheMediaLiveStreamStack(app_from_cdk_json(), "No-Cidr")
    Template.from_stack(bare).has_resource_properties("AWS::MediaLive::InputSecurityGroup", {"WhitelistRules": [{"Cidr": PLACEHOLDER_CIDR}]})
    Annotations.from_stack(bare).has_warning("/No-Cidr", Match.string_like_regexp("ingestCidr"))


def test_refuses_an_open_input_at_synth_time() -> None:
    with pytest.raises(ValueError, match="wider than"):
        TheMediaLiveStreamStack(app_from_cdk_json(), "Open", ingest_cidr="0.0.0.0/0")


def test_runs_one_pipeline_that_reads_the_rtmp_input_and_sends_h264_renditions_to_the_mediapackage_channel(template: Template) -> None:
    _, channel = only(template, "AWS::MediaLive::Channel")
    input_id, _ = only(template, "AWS::MediaLive::Input")
    packager_id, _ = only(template, "AWS::MediaPackage::Channel")
    assert channel["ChannelClass"] == "SINGLE_PIPELINE"
    assert channel["InputAttachments"][0]["InputId"] == {"Ref": input_id}
    assert channel["Destinations"] == [{"Id": "packager", "MediaPackageSettings": [{"ChannelId": {"Ref": packager_id}}]}]

    settings = channel["EncoderSettings"]
    [group] = settings["OutputGroups"]
    assert group["OutputGroupSettings"] == {"MediaPackageGroupSettings": {"Destination": {"DestinationRefId": "packager"}}}
    assert [o["VideoDescriptionName"] for o in group["Outputs"]] == [r["name"] for r in RENDITIONS]
    for video in settings["VideoDescriptions"]:
        h264 = video["CodecSettings"].get("H264Settings")
        assert h264, f"{video['Name']} is not H.264"
        assert (h264["GopSize"], h264["GopSizeUnits"]) == (2, "SECONDS")
    for output in group["Outputs"]:
        assert output["AudioDescriptionNames"] == ["audio_aac"]


def test_lets_medialive_describe_only_its_mediapackage_channel_and_write_only_its_own_log_group(template: Template) -> None:
    _, channel = only(template, "AWS::MediaLive::Channel")
    encoder_role = next(k for k in template.find_resources("AWS::IAM::Role") if k.startswith("EncoderRole"))
    assert channel["RoleArn"] == {"Fn::GetAtt": [encoder_role, "Arn"]}
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "medialive.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
        },
    )
    policy = next(p for k, p in template.find_resources("AWS::IAM::Policy").items() if k.startswith("EncoderRole"))
    granted = policy["Properties"]["PolicyDocument"]["Statement"]
    assert granted[0] == {"Action": "mediapackage:DescribeChannel", "Effect": "Allow", "Resource": {"Fn::GetAtt": ["Packager", "Arn"]}}
    assert re.search(r':log-group:ElementalMediaLive"', json.dumps(granted[1]["Resource"]))
    assert len(granted) == 2
    assert not any(a.endswith("*") for s in granted for a in actions(s)), "no wildcard actions"


def test_packages_hls_with_six_second_segments_and_logs_mediapackage_traffic_with_a_retention(template: Template) -> None:
    template.has_resource_properties(
        "AWS::MediaPackage::OriginEndpoint",
        {
            "ChannelId": {"Ref": "Packager"},
            "ManifestName": "index",
            "HlsPackage": Match.object_like({"SegmentDurationSeconds": 6, "PlaylistWindowSeconds": 60}),
        },
    )
    _, packager = only(template, "AWS::MediaPackage::Channel")
    for key in ("IngressAccessLogs", "EgressAccessLogs"):
        assert "Ref" in json.dumps(packager[key])
    groups = [g["Properties"] for g in template.find_resources("AWS::Logs::LogGroup").values()]
    assert all(g.get("RetentionInDays") == 30 for g in groups)
    assert [g["LogGroupName"] for g in groups if g.get("LogGroupName")] == [
        "/aws/MediaPackage/Under-Test-ingress",
        "/aws/MediaPackage/Under-Test-egress",
    ]


def test_serves_the_player_from_a_private_bucket_and_the_stream_from_mediapackage_on_one_cloudfront_domain(template: Template) -> None:
    distribution = only(template, "AWS::CloudFront::Distribution")[1]["DistributionConfig"]
    assert distribution["DefaultRootObject"] == "index.html"
    assert distribution["Origins"][0]["OriginAccessControlId"], "the bucket origin uses OAC"
    media = distribution["Origins"][1]
    assert media["CustomOriginConfig"] == {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}
    assert media["DomainName"] == {"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::GetAtt": ["HlsEndpoint", "Url"]}]}]}
    [stream] = distribution["CacheBehaviors"]
    assert stream["PathPattern"] == "/out/v1/*"
    assert stream["TargetOriginId"] == media["Id"]
    assert stream["ViewerProtocolPolicy"] == "redirect-to-https"
    assert stream["AllowedMethods"] == ["GET", "HEAD"]
    # The managed Elemental-MediaPackage cache policy.
    assert stream["CachePolicyId"] == "08627262-05a9-4f76-9ded-b50ca2e3a84f"
    # No SPA fallback: a missing manifest must stay a 404 for the player to wait on.
    assert distribution["CustomErrorResponses"] == [{"ErrorCode": 404, "ErrorCachingMinTTL": 2}]


def test_lets_only_the_distribution_read_the_player_bucket_over_tls(template: Template) -> None:
    policies = statements(template, "AWS::S3::BucketPolicy")
    reads = [s for s in policies if (s.get("Principal") or {}).get("Service") == "cloudfront.amazonaws.com"]
    assert len(reads) == 1
    assert reads[0]["Action"] == "s3:GetObject"
    assert reads[0]["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert len([s for s in policies if s["Effect"] == "Deny"]) == 2
    for bucket in template.find_resources("AWS::S3::Bucket").values():
        assert bucket["Properties"]["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True


def test_writes_config_json_at_deploy_time_from_the_endpoint_url_and_keeps_media_same_origin_in_the_csp(template: Template) -> None:
    _, deployment = only(template, "Custom::CDKBucketDeployment")
    assert len(deployment["SourceObjectKeys"]) == 2
    assert "HlsEndpoint" in json.dumps(deployment["SourceMarkers"])
    assert deployment["SystemMetadata"]["cache-control"] == "no-cache"
    assert "media-src 'self'" in CONTENT_SECURITY_POLICY
    assert not re.search(r"https?:|unsafe", CONTENT_SECURITY_POLICY)
    template.has_resource_properties(
        "AWS::CloudFront::ResponseHeadersPolicy",
        {
            "ResponseHeadersPolicyConfig": Match.object_like(
                {
                    "SecurityHeadersConfig": Match.object_like(
                        {"ContentSecurityPolicy": {"ContentSecurityPolicy": CONTENT_SECURITY_POLICY, "Override": True}}
                    )
                }
            )
        },
    )


def test_stops_the_channel_a_fixed_number_of_hours_after_every_start(template: Template) -> None:
    channel_id, _ = only(template, "AWS::MediaLive::Channel")
    machine_id, _ = only(template, "AWS::StepFunctions::StateMachine")
    _, rule = only(template, "AWS::Events::Rule")
    assert rule["EventPattern"] == {
        "source": ["aws.medialive"],
        "detail-type": ["MediaLive Channel State Change"],
        "detail": {"channel_arn": [{"Fn::GetAtt": [channel_id, "Arn"]}], "state": ["RUNNING"]},
    }
    [target] = rule["Targets"]
    assert target["Arn"] == {"Ref": machine_id}
    assert target["DeadLetterConfig"]["Arn"], "undeliverable start events land in a dead-letter queue"

    definition = definition_of(template)
    wait = definition["States"][definition["StartAt"]]
    assert wait["Type"] == "Wait"
    assert wait["Seconds"] == DEFAULT_MAX_LIVE_HOURS * 3600
    stop = definition["States"][wait["Next"]]
    assert re.search(r":states:::aws-sdk:medialive:stopChannel$", stop["Resource"])
    assert stop["Parameters"] == {"ChannelId": f"<{channel_id}>"}
    # A channel someone already stopped answers with a conflict, which is the outcome we wanted.
    assert [(c["ErrorEquals"], definition["States"][c["Next"]]["Type"]) for c in stop["Catch"]] == [(["MediaLive.ConflictException"], "Succeed")]

    stop_grant = [s for s in statements(template, "AWS::IAM::Policy") if "medialive:StopChannel" in actions(s)]
    assert [s["Resource"] for s in stop_grant] == [{"Fn::GetAtt": [channel_id, "Arn"]}]


def test_takes_the_automatic_stop_from_max_live_hours_and_refuses_values_outside_1_to_24() -> None:
    short = Template.from_stack(TheMediaLiveStreamStack(app_from_cdk_json(), "Short", ingest_cidr="203.0.113.7/32", max_live_hours=2))
    definition = definition_of(short)
    assert definition["States"][definition["StartAt"]]["Seconds"] == 7200
    for bad in (0, 25, 1.5, float("nan")):
        with pytest.raises(ValueError, match="maxLiveHours"):
            TheMediaLiveStreamStack(app_from_cdk_json(), f"Bad-{str(bad).replace('.', '')}", max_live_hours=bad)


def test_sends_every_alarm_and_the_cost_budget_to_the_one_alarm_topic(template: Template) -> None:
    topic_id, _ = only(template, "AWS::SNS::Topic")
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    assert sorted(re.sub(r"[A-F0-9]{8}$", "", k) for k in alarms) == ["AutoStopDlqAlarm", "AutoStopFailedAlarm"]
    for alarm_id, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}], alarm_id
    dlq_id, _ = only(template, "AWS::SQS::Queue")
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}],
            "Statistic": "Maximum",
            "Period": 60,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
        },
    )
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"Namespace": "AWS/States", "MetricName": "ExecutionsFailed", "Threshold": 1})

    template.has_resource_properties(
        "AWS::Budgets::Budget",
        {
            "Budget": {
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": DEFAULT_MONTHLY_BUDGET_USD, "Unit": "USD"},
                "CostFilters": {"Service": ["AWS Elemental MediaLive", "AWS Elemental MediaPackage"]},
            },
            "NotificationsWithSubscribers": Match.array_with(
                [
                    {
                        "Notification": Match.object_like({"NotificationType": "ACTUAL", "Threshold": 100}),
                        "Subscribers": [{"SubscriptionType": "SNS", "Address": {"Ref": topic_id}}],
                    }
                ]
            ),
        },
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
                        Match.object_like({"Effect": "Allow", "Principal": {"Service": "budgets.amazonaws.com"}, "Action": "sns:Publish"}),
                    ]
                )
            }
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)
    mailed = Template.from_stack(TheMediaLiveStreamStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
    mailed.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})
    custom = Template.from_stack(TheMediaLiveStreamStack(app_from_cdk_json(), "Custom-Budget", monthly_budget_usd=50))
    custom.has_resource_properties("AWS::Budgets::Budget", {"Budget": Match.object_like({"BudgetLimit": {"Amount": 50, "Unit": "USD"}})})
    with pytest.raises(ValueError, match="monthlyBudgetUsd"):
        TheMediaLiveStreamStack(app_from_cdk_json(), "Bad-Budget", monthly_budget_usd=0)


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheMediaLiveStreamStack) -> None:
    with_email = TheMediaLiveStreamStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email", ingest_cidr="203.0.113.7/32")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
