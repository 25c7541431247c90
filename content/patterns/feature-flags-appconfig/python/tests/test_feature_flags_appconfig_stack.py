from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from feature_flags_appconfig.agent_layer import AGENT_LAYER_ARM64
from feature_flags_appconfig.feature_flags_appconfig_stack import FLAG_FILE, FeatureFlagsAppConfigStack
from functions.quote import FALLBACK_MARKER
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> FeatureFlagsAppConfigStack:
    return FeatureFlagsAppConfigStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: FeatureFlagsAppConfigStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, type_: str) -> str:
    ids = list(template.find_resources(type_))
    assert len(ids) == 1, f"one {type_}"
    return ids[0]


def quote_id(template: Template) -> str:
    return next(i for i, f in template.find_resources("AWS::Lambda::Function").items() if f["Properties"]["Runtime"] == "python3.13")


def quote_properties(template: Template) -> dict[str, Any]:
    return template.to_json()["Resources"][quote_id(template)]["Properties"]


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def test_stores_the_flag_file_as_a_feature_flag_profile_in_appconfig(template: Template) -> None:
    template.has_resource_properties(
        "AWS::AppConfig::ConfigurationProfile",
        {"Type": "AWS.AppConfig.FeatureFlags", "LocationUri": "hosted", "DeletionProtectionCheck": "BYPASS"},
    )
    template.has_resource_properties(
        "AWS::AppConfig::HostedConfigurationVersion",
        {"Content": FLAG_FILE.read_text(encoding="utf-8"), "ContentType": "application/json"},
    )


def test_keeps_replaced_flag_versions_but_deletes_the_current_one_with_the_stack(template: Template) -> None:
    template.has_resource("AWS::AppConfig::HostedConfigurationVersion", {"UpdateReplacePolicy": "Retain", "DeletionPolicy": "Delete"})


def test_rolls_flags_out_linearly_20_percent_a_minute_then_bakes_for_5_minutes(template: Template) -> None:
    template.has_resource_properties(
        "AWS::AppConfig::DeploymentStrategy",
        {"GrowthType": "LINEAR", "GrowthFactor": 20, "DeploymentDurationInMinutes": 5, "FinalBakeTimeInMinutes": 5, "ReplicateTo": "NONE"},
    )
    template.has_resource_properties(
        "AWS::AppConfig::Deployment",
        {
            "DeploymentStrategyId": {"Ref": logical_id(template, "AWS::AppConfig::DeploymentStrategy")},
            "EnvironmentId": {"Ref": logical_id(template, "AWS::AppConfig::Environment")},
            "ConfigurationProfileId": {"Ref": logical_id(template, "AWS::AppConfig::ConfigurationProfile")},
            "ConfigurationVersion": {"Ref": logical_id(template, "AWS::AppConfig::HostedConfigurationVersion")},
        },
    )


def test_rolls_a_flag_deployment_back_when_the_function_errors(template: Template) -> None:
    alarms = template.find_resources("AWS::CloudWatch::Alarm", {"Properties": {"MetricName": "Errors"}})
    assert len(alarms) == 1
    alarm_id, alarm = next(iter(alarms.items()))
    p = alarm["Properties"]
    assert (p["Namespace"], p["Statistic"], p["Period"], p["Threshold"], p["EvaluationPeriods"]) == ("AWS/Lambda", "Sum", 60, 1, 1)
    assert p["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": quote_id(template)}}]
    template.has_resource_properties(
        "AWS::AppConfig::Environment",
        {"Monitors": [{"AlarmArn": {"Fn::GetAtt": [alarm_id, "Arn"]}, "AlarmRoleArn": Match.any_value()}], "DeletionProtectionCheck": "BYPASS"},
    )


def test_adds_the_agent_layer_and_points_the_function_at_its_profile_on_localhost(template: Template) -> None:
    env = quote_properties(template)["Environment"]["Variables"]
    app = logical_id(template, "AWS::AppConfig::Application")
    profile = logical_id(template, "AWS::AppConfig::ConfigurationProfile")
    assert env["FLAGS_URL"] == {
        "Fn::Join": ["", ["http://localhost:2772/applications/", {"Ref": app}, "/environments/live/configurations/", {"Ref": profile}]]
    }
    assert env["AWS_APPCONFIG_EXTENSION_PREFETCH_LIST"] == {
        "Fn::Join": ["", ["/applications/", {"Ref": app}, "/environments/live/configurations/", {"Ref": profile}]]
    }
    assert env["AWS_APPCONFIG_EXTENSION_HTTP_PORT"] == "2772"
    assert env["AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS"] == "30"
    assert env["AWS_APPCONFIG_EXTENSION_MAX_CONNECTIONS"] == "1"
    template.has_resource_properties("AWS::AppConfig::Environment", {"Name": "live"})
    template.has_resource_properties(
        "AWS::Lambda::Function", {"Runtime": "python3.13", "Architectures": ["arm64"], "Handler": "quote.handler", "TracingConfig": {"Mode": "Active"}}
    )


def test_picks_the_agent_layer_from_a_mapping_when_the_region_is_unknown_at_synth(template: Template) -> None:
    [(name, mapping)] = template.to_json()["Mappings"].items()
    assert name.startswith("AgentLayerByRegion")
    assert quote_properties(template)["Layers"] == [{"Fn::FindInMap": [name, {"Ref": "AWS::Region"}, "arm64"]}]
    assert {region: v["arm64"] for region, v in mapping.items()} == AGENT_LAYER_ARM64


def test_picks_the_listed_layer_an_override_or_fails_clearly() -> None:
    pinned = Template.from_stack(FeatureFlagsAppConfigStack(app_from_cdk_json(), "Pinned", env=cdk.Environment(region="eu-west-1")))
    assert quote_properties(pinned)["Layers"] == [AGENT_LAYER_ARM64["eu-west-1"]]
    override = "arn:aws:lambda:sa-east-1:000010852771:layer:AWS-AppConfig-Extension-Arm64:215"
    overridden = Template.from_stack(
        FeatureFlagsAppConfigStack(app_from_cdk_json(appConfigAgentLayerArn=override), "Overridden", env=cdk.Environment(region="sa-east-1"))
    )
    assert quote_properties(overridden)["Layers"] == [override]
    with pytest.raises(Exception, match=r"No AppConfig Agent Lambda extension ARN is listed for sa-east-1\. .*-c appConfigAgentLayerArn=<arn>"):
        FeatureFlagsAppConfigStack(app_from_cdk_json(), "Unlisted", env=cdk.Environment(region="sa-east-1"))
    with pytest.raises(Exception, match="appConfigAgentLayerArn must be a Lambda layer version ARN"):
        FeatureFlagsAppConfigStack(app_from_cdk_json(appConfigAgentLayerArn="latest"), "Bad-Override")


def test_function_may_read_its_one_flag_profile_and_nothing_else_in_appconfig(template: Template) -> None:
    policies = template.find_resources("AWS::IAM::Policy")
    statements = [s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    appconfig = [s for s in statements if any(a.startswith("appconfig:") for a in actions(s))]
    assert len(appconfig) == 1
    assert appconfig[0]["Action"] == ["appconfig:GetLatestConfiguration", "appconfig:StartConfigurationSession"]
    assert appconfig[0]["Resource"]["Fn::Join"][1][-6:] == [
        ":application/",
        {"Ref": logical_id(template, "AWS::AppConfig::Application")},
        "/environment/",
        {"Ref": logical_id(template, "AWS::AppConfig::Environment")},
        "/configuration/",
        {"Ref": logical_id(template, "AWS::AppConfig::ConfigurationProfile")},
    ]
    role = quote_properties(template)["Role"]["Fn::GetAtt"][0]
    granted = sorted(
        a
        for p in policies.values()
        if {"Ref": role} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        for a in actions(s)
    )
    assert granted == [
        "appconfig:GetLatestConfiguration",
        "appconfig:StartConfigurationSession",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
    ]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_alarms_on_function_errors_and_on_pricing_without_flags_notifying_one_topic(
    stack: FeatureFlagsAppConfigStack, template: Template
) -> None:
    topic = logical_id(template, "AWS::SNS::Topic")
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted((a["Namespace"], a["MetricName"], a["Period"], a["Threshold"]) for a in alarms) == sorted(
        [("AWS/Lambda", "Errors", 60, 1), (stack.stack_name, "FlagsFallback", 300, 1)]
    )
    assert all(a["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "FilterPattern": f'"{FALLBACK_MARKER}"',
            "MetricTransformations": [{"MetricNamespace": stack.stack_name, "MetricName": "FlagsFallback", "MetricValue": "1"}],
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(FeatureFlagsAppConfigStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_keeps_function_logs_for_a_month_and_removes_them_with_the_stack(template: Template) -> None:
    template.has_resource("AWS::Logs::LogGroup", {"Properties": {"RetentionInDays": 30}, "DeletionPolicy": "Delete"})


def test_passes_the_cdk_nag_packs_with_every_exception_acknowledged(stack: FeatureFlagsAppConfigStack) -> None:
    with_email = FeatureFlagsAppConfigStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
