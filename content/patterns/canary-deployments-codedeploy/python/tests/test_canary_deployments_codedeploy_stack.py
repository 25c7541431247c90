import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from canary_deployments_codedeploy.canary_deployments_codedeploy_stack import CanaryDeploymentsCodedeployStack
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> CanaryDeploymentsCodedeployStack:
    return CanaryDeploymentsCodedeployStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: CanaryDeploymentsCodedeployStack) -> Template:
    return Template.from_stack(stack)


def id_of(template: Template, type_: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(type_) if i.startswith(prefix)]
    assert len(ids) == 1, f"one {type_} named {prefix}*"
    return ids[0]


def resource(template: Template, logical_id: str) -> dict[str, Any]:
    return template.to_json()["Resources"][logical_id]


def statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_of(template: Template, role_prefix: str) -> list[str]:
    return sorted(a for s in statements_of(template, role_prefix) for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))


def test_hands_every_update_of_the_live_alias_to_codedeploy_with_both_traffic_hooks(template: Template) -> None:
    alias = resource(template, id_of(template, "AWS::Lambda::Alias", "Live"))
    assert alias["Properties"]["Name"] == "live"
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [id_of(template, "AWS::Lambda::Version", "GreeterCurrentVersion"), "Version"]}
    assert alias["UpdatePolicy"] == {
        "CodeDeployLambdaAliasUpdate": {
            "ApplicationName": {"Ref": id_of(template, "AWS::CodeDeploy::Application", "Application")},
            "DeploymentGroupName": {"Ref": id_of(template, "AWS::CodeDeploy::DeploymentGroup", "DeploymentGroup")},
            "BeforeAllowTrafficHook": {"Ref": id_of(template, "AWS::Lambda::Function", "PreTrafficHook")},
            "AfterAllowTrafficHook": {"Ref": id_of(template, "AWS::Lambda::Function", "PostTrafficHook")},
        }
    }


def test_updates_the_hooks_the_canary_alarms_and_the_deployment_group_before_the_alias_moves(template: Template) -> None:
    depends_on = resource(template, id_of(template, "AWS::Lambda::Alias", "Live")).get("DependsOn", [])
    for type_, prefix in [
        ("AWS::Lambda::Function", "PreTrafficHook"),
        ("AWS::Lambda::Function", "PostTrafficHook"),
        ("AWS::CloudWatch::Alarm", "CanaryErrorsAlarm"),
        ("AWS::CloudWatch::Alarm", "CanaryLatencyAlarm"),
        ("AWS::CodeDeploy::DeploymentGroup", "DeploymentGroup"),
        ("AWS::IAM::Policy", "DeploymentGroupServiceRoleDefaultPolicy"),
    ]:
        assert id_of(template, type_, prefix) in depends_on


def test_tells_each_hook_which_target_to_call_and_which_version_must_answer(template: Template) -> None:
    version = id_of(template, "AWS::Lambda::Version", "GreeterCurrentVersion")
    greeter = id_of(template, "AWS::Lambda::Function", "Greeter")
    assert resource(template, id_of(template, "AWS::Lambda::Function", "PreTrafficHook"))["Properties"]["Environment"]["Variables"] == {
        "TARGET_FUNCTION_ARN": {"Ref": version},
        "EXPECTED_VERSION": {"Fn::GetAtt": [version, "Version"]},
    }
    assert resource(template, id_of(template, "AWS::Lambda::Function", "PostTrafficHook"))["Properties"]["Environment"]["Variables"] == {
        "TARGET_FUNCTION_ARN": {"Fn::Join": ["", [{"Fn::GetAtt": [greeter, "Arn"]}, ":live"]]},
        "EXPECTED_VERSION": {"Fn::GetAtt": [version, "Version"]},
    }


def test_shifts_ten_percent_of_traffic_for_five_minutes_by_default(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CodeDeploy::DeploymentGroup",
        {
            "DeploymentConfigName": "CodeDeployDefault.LambdaCanary10Percent5Minutes",
            "DeploymentStyle": {"DeploymentType": "BLUE_GREEN", "DeploymentOption": "WITH_TRAFFIC_CONTROL"},
        },
    )


def test_takes_a_linear_configuration_from_the_deployment_config_context_value_and_refuses_unknown_names() -> None:
    linear = Template.from_stack(
        CanaryDeploymentsCodedeployStack(app_from_cdk_json(deploymentConfig="LambdaLinear10PercentEvery1Minute"), "Linear")
    )
    linear.has_resource_properties("AWS::CodeDeploy::DeploymentGroup", {"DeploymentConfigName": "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"})
    with pytest.raises(Exception, match='Unknown deploymentConfig "AllAtOnce"'):
        CanaryDeploymentsCodedeployStack(app_from_cdk_json(deploymentConfig="AllAtOnce"), "Typo")


def test_rolls_back_on_a_failed_or_stopped_deployment_and_when_either_canary_alarm_fires(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CodeDeploy::DeploymentGroup",
        {
            "AutoRollbackConfiguration": {
                "Enabled": True,
                "Events": Match.array_equals(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM"]),
            },
            "AlarmConfiguration": {
                "Enabled": True,
                "Alarms": [
                    {"Name": {"Ref": id_of(template, "AWS::CloudWatch::Alarm", "CanaryErrorsAlarm")}},
                    {"Name": {"Ref": id_of(template, "AWS::CloudWatch::Alarm", "CanaryLatencyAlarm")}},
                ],
            },
        },
    )


def test_watches_only_the_version_being_deployed_through_the_executed_version_dimension(template: Template) -> None:
    version = id_of(template, "AWS::Lambda::Version", "GreeterCurrentVersion")
    greeter = id_of(template, "AWS::Lambda::Function", "Greeter")
    dimensions = [
        {"Name": "ExecutedVersion", "Value": {"Fn::GetAtt": [version, "Version"]}},
        {"Name": "FunctionName", "Value": {"Ref": greeter}},
        {"Name": "Resource", "Value": {"Fn::Join": ["", [{"Ref": greeter}, ":live"]]}},
    ]
    errors = resource(template, id_of(template, "AWS::CloudWatch::Alarm", "CanaryErrorsAlarm"))["Properties"]
    assert [errors[k] for k in ("Namespace", "MetricName", "Statistic", "Period", "EvaluationPeriods", "Threshold", "ComparisonOperator")] == [
        "AWS/Lambda",
        "Errors",
        "Sum",
        60,
        1,
        1,
        "GreaterThanOrEqualToThreshold",
    ]
    assert errors["Dimensions"] == dimensions
    latency = resource(template, id_of(template, "AWS::CloudWatch::Alarm", "CanaryLatencyAlarm"))["Properties"]
    assert [
        latency[k] for k in ("MetricName", "ExtendedStatistic", "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator")
    ] == ["Duration", "p99", 60, 2, 2, 1000, "GreaterThanThreshold"]
    assert latency["Dimensions"] == dimensions


def test_lets_the_pre_traffic_hook_invoke_only_the_new_version_and_the_post_traffic_hook_only_the_live_alias(template: Template) -> None:
    version = id_of(template, "AWS::Lambda::Version", "GreeterCurrentVersion")
    greeter = id_of(template, "AWS::Lambda::Function", "Greeter")
    application = id_of(template, "AWS::CodeDeploy::Application", "Application")
    group = id_of(template, "AWS::CodeDeploy::DeploymentGroup", "DeploymentGroup")

    def invokes(role: str) -> list[dict[str, Any]]:
        return [s for s in statements_of(template, role) if "lambda:InvokeFunction" in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]

    assert invokes("PreTrafficHookRole") == [{"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": {"Ref": version}}]
    assert invokes("PostTrafficHookRole") == [
        {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [greeter, "Arn"]}, ":live"]]}}
    ]
    for role in ("PreTrafficHookRole", "PostTrafficHookRole"):
        assert actions_of(template, role) == [
            "codedeploy:PutLifecycleEventHookExecutionStatus",
            "lambda:InvokeFunction",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "xray:PutTelemetryRecords",
            "xray:PutTraceSegments",
        ]
        report = next(s for s in statements_of(template, role) if s["Action"] == "codedeploy:PutLifecycleEventHookExecutionStatus")
        assert re.search(f':deploymentgroup:.*"Ref": "{application}".*"Ref": "{group}"', json.dumps(report["Resource"]))


def test_lets_codedeploy_invoke_the_two_hooks_by_arn_so_they_need_no_codedeployhook_name(template: Template) -> None:
    pre = id_of(template, "AWS::Lambda::Function", "PreTrafficHook")
    post = id_of(template, "AWS::Lambda::Function", "PostTrafficHook")
    statements = statements_of(template, "DeploymentGroupServiceRole")
    assert [s["Action"] for s in statements] == ["lambda:InvokeFunction"]
    expected = [
        {"Fn::GetAtt": [post, "Arn"]},
        {"Fn::GetAtt": [pre, "Arn"]},
        {"Fn::Join": ["", [{"Fn::GetAtt": [post, "Arn"]}, ":*"]]},
        {"Fn::Join": ["", [{"Fn::GetAtt": [pre, "Arn"]}, ":*"]]},
    ]
    assert sorted(json.dumps(r) for r in statements[0]["Resource"]) == sorted(json.dumps(r) for r in expected)
    for hook in (pre, post):
        assert "FunctionName" not in resource(template, hook)["Properties"]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "codedeploy.amazonaws.com"}})]}),
            "ManagedPolicyArns": [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited"]]}],
        },
    )


def test_gives_the_greeter_nothing_but_its_own_logs_and_tracing_with_no_managed_policy_on_any_function_role(template: Template) -> None:
    assert actions_of(template, "GreeterRole") == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    lambda_roles = [
        r
        for r in template.find_resources("AWS::IAM::Role").values()
        if r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == "lambda.amazonaws.com"
    ]
    assert len(lambda_roles) == 3
    assert all("ManagedPolicyArns" not in r["Properties"] for r in lambda_roles)


def test_serves_the_api_only_through_the_live_alias_to_this_api_alone_throttled(template: Template) -> None:
    alias = id_of(template, "AWS::Lambda::Alias", "Live")
    api = id_of(template, "AWS::ApiGatewayV2::Api", "Api")
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Integration", {"IntegrationType": "AWS_PROXY", "IntegrationUri": {"Ref": alias}, "PayloadFormatVersion": "2.0"}
    )
    permissions = [p["Properties"] for p in template.find_resources("AWS::Lambda::Permission").values()]
    assert len(permissions) == 1
    assert permissions[0]["FunctionName"] == {"Ref": alias}
    assert permissions[0]["Principal"] == "apigateway.amazonaws.com"
    assert permissions[0]["SourceArn"]["Fn::Join"][1][-2:] == [{"Ref": api}, "/*/*"]
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 100},
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
        },
    )


def test_runs_every_function_on_python_3_13_arm64_with_tracing_and_one_month_logs(template: Template) -> None:
    functions = [f["Properties"] for f in template.find_resources("AWS::Lambda::Function").values()]
    assert len(functions) == 3
    for fn in functions:
        assert (fn["Runtime"], fn["Architectures"], fn["TracingConfig"]) == ("python3.13", ["arm64"], {"Mode": "Active"})
    assert sorted(f["Handler"] for f in functions) == ["greeter.handler", "traffic_hook.handler", "traffic_hook.handler"]
    assert [lg["Properties"]["RetentionInDays"] for lg in template.find_resources("AWS::Logs::LogGroup").values()] == [30, 30, 30, 30]


def test_alarms_on_canary_errors_canary_latency_and_api_5xx_notifying_one_alarm_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with([Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])
            }
        },
    )
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted(f"{a['Namespace']} {a['MetricName']}" for a in alarms) == ["AWS/ApiGateway 5xx", "AWS/Lambda Duration", "AWS/Lambda Errors"]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(CanaryDeploymentsCodedeployStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: CanaryDeploymentsCodedeployStack) -> None:
    with_email = CanaryDeploymentsCodedeployStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
