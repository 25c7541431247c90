import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from materialized_view_projection.materialized_view_projection_stack import (
    STREAM_MAX_RECORD_AGE_HOURS,
    STREAM_RETRY_ATTEMPTS,
    VIEW_INDEX,
    MaterializedViewProjectionStack,
)
from materialized_view_projection.read_api import READ_API_BURST_LIMIT, READ_API_RATE_LIMIT
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> MaterializedViewProjectionStack:
    return MaterializedViewProjectionStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: MaterializedViewProjectionStack) -> Template:
    return Template.from_stack(stack)


def target(resource: Any) -> str:
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        logical_id, attribute = resource["Fn::GetAtt"]
        return f"{re.sub('[0-9A-F]{8}$', '', logical_id)}.{attribute}"
    if isinstance(resource, dict) and "Fn::Join" in resource:
        return "".join(part if isinstance(part, str) else target(part) for part in resource["Fn::Join"][1])
    return json.dumps(resource)


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else list(statement["Action"])


def statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def dynamo_grants(template: Template, role_prefix: str) -> list[str]:
    """Every DynamoDB action a role holds, as "action on <logical id>[/suffix]"."""
    return sorted(f"{a} on {target(s['Resource'])}" for s in statements_of(template, role_prefix) for a in actions(s) if a.startswith("dynamodb:"))


def test_keeps_events_append_only_by_key_and_version_streams_new_images_and_protects_them_with_point_in_time_recovery(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "aggregateId", "KeyType": "HASH"}, {"AttributeName": "version", "KeyType": "RANGE"}],
            "AttributeDefinitions": Match.array_with([{"AttributeName": "version", "AttributeType": "N"}]),
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )


def test_shapes_the_view_for_one_order_by_id_and_for_a_customers_orders_by_status_without_backups_of_derived_data(template: Template) -> None:
    template.resource_count_is("AWS::DynamoDB::GlobalTable", 2)
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "orderId", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": Match.absent(),
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": VIEW_INDEX,
                    "KeySchema": [{"AttributeName": "customerId", "KeyType": "HASH"}, {"AttributeName": "statusAt", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": Match.absent()})],
        },
    )


def test_feeds_the_projector_only_inserts_with_partial_batch_responses_bisect_bounded_retries_and_a_failure_queue(template: Template) -> None:
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": {"Fn::GetAtt": [Match.string_like_regexp("^Events"), "StreamArn"]},
            "FunctionName": {"Ref": Match.string_like_regexp("^Projector")},
            "StartingPosition": "TRIM_HORIZON",
            "FilterCriteria": {"Filters": [{"Pattern": json.dumps({"eventName": ["INSERT"]}, separators=(",", ":"))}]},
            "BatchSize": 100,
            "MaximumBatchingWindowInSeconds": 1,
            "ParallelizationFactor": 1,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": 5,
            "MaximumRecordAgeInSeconds": 3600,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [Match.string_like_regexp("^ProjectorFailures"), "Arn"]}}},
        },
    )
    assert (STREAM_RETRY_ATTEMPTS, STREAM_MAX_RECORD_AGE_HOURS) == (5, 1)


def test_lets_the_projector_read_the_stream_and_query_the_event_table_but_never_write_it(template: Template) -> None:
    assert dynamo_grants(template, "ProjectorRole") == [
        "dynamodb:DescribeStream on Events.StreamArn",
        "dynamodb:GetItem on OrdersView.Arn",
        "dynamodb:GetRecords on Events.StreamArn",
        "dynamodb:GetShardIterator on Events.StreamArn",
        "dynamodb:ListStreams on Events.StreamArn",
        "dynamodb:PutItem on OrdersView.Arn",
        "dynamodb:Query on Events.Arn",
    ]


def test_lets_the_rebuild_scan_and_query_the_event_table_and_write_only_the_view(template: Template) -> None:
    assert dynamo_grants(template, "RebuildRole") == [
        "dynamodb:GetItem on OrdersView.Arn",
        "dynamodb:PutItem on OrdersView.Arn",
        "dynamodb:Query on Events.Arn",
        "dynamodb:Scan on Events.Arn",
    ]


def test_lets_the_query_function_read_the_view_and_its_one_index_only(template: Template) -> None:
    assert dynamo_grants(template, "OrderQueriesRole") == ["dynamodb:GetItem on OrdersView.Arn", f"dynamodb:Query on OrdersView.Arn/index/{VIEW_INDEX}"]


def test_gives_no_role_in_the_stack_a_write_action_on_the_event_table(template: Template) -> None:
    writes = re.compile(r"^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|PartiQL(Insert|Update|Delete)|\*)$")
    for policy in template.find_resources("AWS::IAM::Policy").values():
        for s in policy["Properties"]["PolicyDocument"]["Statement"]:
            if target(s["Resource"]).startswith("Events"):
                assert [a for a in actions(s) if writes.match(a)] == [], s
    template.resource_count_is("AWS::IAM::ManagedPolicy", 0)
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_runs_every_function_on_python_3_13_and_arm64_with_json_logs_into_its_own_log_group(template: Template) -> None:
    functions = list(template.find_resources("AWS::Lambda::Function").values())
    assert len(functions) == 3
    for fn in functions:
        assert fn["Properties"]["Runtime"] == "python3.13"
        assert fn["Properties"]["Architectures"] == ["arm64"]
        assert fn["Properties"]["LoggingConfig"]["LogFormat"] == "JSON"
        assert fn["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    assert sorted(fn["Properties"]["Handler"] for fn in functions) == ["order_queries.handler", "projector.handler", "rebuild.handler"]
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Timeout": 900, "Environment": {"Variables": {"EVENT_TABLE_NAME": Match.any_value(), "VIEW_TABLE_NAME": Match.any_value()}}},
    )
    template.resource_count_is("AWS::Lambda::EventInvokeConfig", 0)
    template.all_resources_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})


def test_serves_two_get_routes_through_one_throttled_access_logged_stage(template: Template) -> None:
    routes = sorted(r["Properties"]["RouteKey"] for r in template.find_resources("AWS::ApiGatewayV2::Route").values())
    assert routes == ["GET /customers/{customerId}/orders", "GET /orders/{orderId}"]
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingRateLimit": READ_API_RATE_LIMIT, "ThrottlingBurstLimit": READ_API_BURST_LIMIT},
            "AccessLogSettings": Match.object_like({"DestinationArn": {"Fn::GetAtt": [Match.string_like_regexp("^ReadApiAccessLogs"), "Arn"]}}),
        },
    )
    assert (READ_API_RATE_LIMIT, READ_API_BURST_LIMIT) == (50, 100)


def test_alarms_on_failure_pointers_projector_errors_a_stream_backlog_and_api_5xx_notifying_one_alarm_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]

    def dimension(alarm: dict[str, Any]) -> str:
        value = alarm["Dimensions"][0]["Value"]
        return re.sub("[0-9A-F]{8}$", "", value.get("Ref") or value["Fn::GetAtt"][0])

    assert sorted(
        (a["MetricName"], dimension(a), a["Statistic"], a["Period"], a["EvaluationPeriods"], a["Threshold"], a["TreatMissingData"]) for a in alarms
    ) == [
        ("5xx", "ReadApi", "Sum", 300, 1, 1, "notBreaching"),
        ("ApproximateNumberOfMessagesVisible", "ProjectorFailures", "Maximum", 60, 1, 1, "notBreaching"),
        ("Errors", "Projector", "Sum", 300, 1, 1, "notBreaching"),
        ("IteratorAge", "Projector", "Maximum", 60, 5, 600000, "notBreaching"),
    ]
    for alarm in alarms:
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(MaterializedViewProjectionStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: MaterializedViewProjectionStack) -> None:
    with_email = MaterializedViewProjectionStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
