import re

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from polly.polly_stack import PollyStack
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> PollyStack:
    return PollyStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: PollyStack) -> Template:
    return Template.from_stack(stack)


def test_routes_only_post_speech_to_the_function_with_payload_format_2_0(template: Template) -> None:
    routes = template.find_resources("AWS::ApiGatewayV2::Route").values()
    assert [r["Properties"]["RouteKey"] for r in routes] == ["POST /speech"]
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Integration",
        {
            "IntegrationType": "AWS_PROXY",
            "PayloadFormatVersion": "2.0",
            "IntegrationUri": {"Fn::GetAtt": [Match.string_like_regexp("^Speaker"), "Arn"]},
        },
    )


def test_throttles_the_stage_hard_because_both_services_bill_per_character(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 10},
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
        },
    )


def test_allows_the_function_exactly_translate_translatetext_and_polly_synthesizespeech(template: Template) -> None:
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    actions = [a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    service_actions = sorted(a for a in actions if not a.startswith("logs:") and not a.startswith("xray:"))
    assert service_actions == ["polly:SynthesizeSpeech", "translate:TranslateText"]
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_runs_on_python_3_13_arm64_with_a_timeout_inside_the_http_api_30_second_limit(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "speaker.handler",
            "Timeout": 20,
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
        },
    )


def test_notifies_the_one_alarm_topic_when_speaker_crashes_or_the_api_answers_5xx(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    assert topics[0].startswith("AlarmTopic")
    alarms = template.find_resources("AWS::CloudWatch::Alarm").values()
    by_metric = {a["Properties"]["MetricName"]: a["Properties"] for a in alarms}
    assert sorted(by_metric) == ["5xx", "Errors"]
    assert by_metric["Errors"]["Namespace"] == "AWS/Lambda"
    assert re.fullmatch(r"Speaker[0-9A-F]{8}", by_metric["Errors"]["Dimensions"][0]["Value"]["Ref"])
    assert by_metric["5xx"]["Namespace"] == "AWS/ApiGateway"
    for alarm in by_metric.values():
        assert alarm["Statistic"] == "Sum"
        assert alarm["Period"] == 300
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    template.resource_count_is("AWS::SNS::Subscription", 0)


def test_subscribes_an_e_mail_address_to_the_alarm_topic_only_when_alarm_email_is_given() -> None:
    with_email = Template.from_stack(PollyStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})
    with_email.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: PollyStack) -> None:
    with_email = PollyStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
