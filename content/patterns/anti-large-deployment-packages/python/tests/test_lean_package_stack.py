import os
from pathlib import Path

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_large_deployment_packages.anti_large_deployment_packages_stack import INIT_DURATION_ALARM_MS, LeanPackageStack
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def synthesized() -> tuple[LeanPackageStack, Template, Path]:
    app = app_from_cdk_json(**{"aws:cdk:enable-asset-metadata": True})
    stack = LeanPackageStack(app, "Under-Test")
    template = Template.from_stack(stack)
    function = next(iter(template.find_resources("AWS::Lambda::Function").values()))
    return stack, template, Path(app.outdir) / function["Metadata"]["aws:asset:path"]


@pytest.fixture(scope="module")
def template(synthesized: tuple[LeanPackageStack, Template, Path]) -> Template:
    return synthesized[1]


def test_ships_only_the_handler_source_with_boto3_left_to_the_runtime(synthesized: tuple[LeanPackageStack, Template, Path]) -> None:
    package = synthesized[2]
    assert sorted(os.listdir(package)) == ["get_product.py"]
    assert (package / "get_product.py").stat().st_size < 10 * 1024
    assert "import boto3" in (package / "get_product.py").read_text()


def test_runs_get_product_on_python_3_13_arm64_with_the_table_name_tracing_and_json_logs(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "get_product.handler",
            "MemorySize": 256,
            "Timeout": 5,
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
            "Environment": {"Variables": {"PRODUCTS_TABLE_NAME": {"Ref": Match.string_like_regexp("^Products")}}},
        },
    )


def test_function_may_only_get_items_from_the_table(template: Template) -> None:
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))]
    table = next(iter(template.find_resources("AWS::DynamoDB::GlobalTable")))
    assert [(s["Action"], s["Resource"]) for s in dynamo] == [("dynamodb:GetItem", {"Fn::GetAtt": [table, "Arn"]})]
    template.has_resource_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})


def test_routes_only_get_product_throttled_and_only_this_api_may_invoke(template: Template) -> None:
    routes = [r["Properties"]["RouteKey"] for r in template.find_resources("AWS::ApiGatewayV2::Route").values()]
    assert routes == ["GET /products/{productId}"]
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 100},
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
        },
    )
    permissions = [p["Properties"] for p in template.find_resources("AWS::Lambda::Permission").values()]
    assert len(permissions) == 1 and permissions[0]["Principal"] == "apigateway.amazonaws.com"


def test_alarms_on_5xx_errors_and_slow_cold_starts_notifying_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted(a["MetricName"] for a in alarms) == ["5xx", "Errors", "GetProductInitDuration"]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    slow = next(a for a in alarms if a["MetricName"] == "GetProductInitDuration")
    assert (slow["Statistic"], slow["Threshold"], slow["ComparisonOperator"]) == ("Maximum", INIT_DURATION_ALARM_MS, "GreaterThanThreshold")
    template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "LogGroupName": {"Ref": Match.string_like_regexp("^GetProductLogs")},
            "FilterPattern": '{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }',
            "MetricTransformations": [
                Match.object_like({"MetricName": "GetProductInitDuration", "MetricValue": "$.record.metrics.initDurationMs", "Unit": "Milliseconds"})
            ],
        },
    )


def test_passes_the_aws_solutions_and_serverless_rule_packs(synthesized: tuple[LeanPackageStack, Template, Path]) -> None:
    for pack in (AwsSolutionsChecks(), ServerlessChecks()):
        assert [v.rule_name for v in pack.validate_scope(synthesized[0]).violations] == [], type(pack).__name__
