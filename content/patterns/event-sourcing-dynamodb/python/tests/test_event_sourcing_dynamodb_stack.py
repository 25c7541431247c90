import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from event_sourcing_dynamodb.event_sourcing_dynamodb_stack import EventSourcingDynamodbStack
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> EventSourcingDynamodbStack:
    return EventSourcingDynamodbStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: EventSourcingDynamodbStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, prefix: str, resource_type: str) -> str:
    return next(k for k in template.find_resources(resource_type) if k.startswith(prefix))


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def dynamo_grants(template: Template, role_prefix: str) -> list[tuple[list[str], Any]]:
    role = logical_id(template, role_prefix, "AWS::IAM::Role")
    return [
        (sorted(actions(s)), s["Resource"])
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"] == role for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if any(a.startswith("dynamodb:") for a in actions(s))
    ]


def test_keys_events_by_aggregate_id_and_numeric_version_with_point_in_time_recovery_on(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "aggregateId", "KeyType": "HASH"}, {"AttributeName": "version", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "aggregateId", "AttributeType": "S"}, {"AttributeName": "version", "AttributeType": "N"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "aggregateId", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": Match.absent()})],
        },
    )


def test_runs_both_handlers_on_python_3_13_arm64_with_tracing_the_table_names_and_a_snapshot_interval_of_50(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "commands.handler",
            "TracingConfig": {"Mode": "Active"},
            "Environment": {
                "Variables": {
                    "EVENTS_TABLE_NAME": {"Ref": Match.string_like_regexp("^Events")},
                    "SNAPSHOTS_TABLE_NAME": {"Ref": Match.string_like_regexp("^Snapshots")},
                    "SNAPSHOT_EVERY": "50",
                }
            },
        },
    )
    template.has_resource_properties("AWS::Lambda::Function", {"Runtime": "python3.13", "Handler": "reader.handler"})


def test_lets_no_role_update_or_delete_events_the_command_role_may_only_put_and_query_them(template: Template) -> None:
    events = {"Fn::GetAtt": [logical_id(template, "Events", "AWS::DynamoDB::GlobalTable"), "Arn"]}
    snapshots = {"Fn::GetAtt": [logical_id(template, "Snapshots", "AWS::DynamoDB::GlobalTable"), "Arn"]}
    assert dynamo_grants(template, "CommandsRole") == [(["dynamodb:PutItem", "dynamodb:Query"], events), (["dynamodb:GetItem", "dynamodb:PutItem"], snapshots)]
    assert dynamo_grants(template, "ReaderRole") == [(["dynamodb:Query"], events), (["dynamodb:GetItem"], snapshots)]
    every_action = [a for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"] for a in actions(s)]
    for forbidden in ("dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:*"):
        assert forbidden not in every_action
    template.has_resource_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})


def test_routes_commands_and_reads_to_separate_functions_that_only_this_http_api_may_invoke(template: Template) -> None:
    routes = sorted(r["Properties"]["RouteKey"] for r in template.find_resources("AWS::ApiGatewayV2::Route").values())
    assert routes == ["GET /accounts/{accountId}", "POST /accounts/{accountId}/{command}"]
    api = logical_id(template, "Api", "AWS::ApiGatewayV2::Api")
    permissions = [p["Properties"] for p in template.find_resources("AWS::Lambda::Permission").values()]
    assert len(permissions) == 2
    for permission in permissions:
        assert permission["Principal"] == "apigateway.amazonaws.com"
        api_ref, route = permission["SourceArn"]["Fn::Join"][1][-2:]
        assert api_ref == {"Ref": api}
        assert re.match(r"^/\*/\*/accounts/", route)


def test_throttles_and_logs_the_default_stage(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 100},
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
        },
    )


def test_alarms_on_5xx_and_errors_of_either_function_notifying_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"]) for a in alarms) == [
        ("AWS/ApiGateway", "5xx", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(EventSourcingDynamodbStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: EventSourcingDynamodbStack) -> None:
    with_email = EventSourcingDynamodbStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
