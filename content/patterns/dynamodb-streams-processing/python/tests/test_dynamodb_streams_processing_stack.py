import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from dynamodb_streams_processing.dynamodb_streams_processing_stack import DynamodbStreamsProcessingStack
from dynamodb_streams_processing.stream_consumer import (
    STREAM_BATCH_SIZE,
    STREAM_MAX_RECORD_AGE_HOURS,
    STREAM_RETRY_ATTEMPTS,
)
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> DynamodbStreamsProcessingStack:
    return DynamodbStreamsProcessingStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: DynamodbStreamsProcessingStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, resource_type: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    assert len(ids) == 1, f"{resource_type} {prefix}"
    return ids[0]


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def dynamo_statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if any(a.startswith("dynamodb:") for a in actions(s))
    ]


def without_suffix(logical: str) -> str:
    return re.sub("[0-9A-F]{8}$", "", logical)


def test_streams_old_and_new_images_of_the_orders_table_and_keeps_the_view_in_its_own_table(template: Template) -> None:
    template.resource_count_is("AWS::DynamoDB::GlobalTable", 2)
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "customerId", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": Match.absent(),
        },
    )


def test_consumes_the_stream_with_partial_batch_responses_bisect_bounded_retries_and_a_failure_queue(template: Template) -> None:
    orders = logical_id(template, "AWS::DynamoDB::GlobalTable", "Orders")
    failures = logical_id(template, "AWS::SQS::Queue", "StreamFailures")
    mappings = list(template.find_resources("AWS::Lambda::EventSourceMapping").values())
    assert sorted(without_suffix(m["Properties"]["FunctionName"]["Ref"]) for m in mappings) == ["RemovalAudit", "TotalsProjector"]
    for mapping in mappings:
        properties = {k: v for k, v in mapping["Properties"].items() if k not in ("FunctionName", "FilterCriteria")}
        assert properties == {
            "EventSourceArn": {"Fn::GetAtt": [orders, "StreamArn"]},
            "StartingPosition": "TRIM_HORIZON",
            "BatchSize": 100,
            "MaximumBatchingWindowInSeconds": 1,
            "ParallelizationFactor": 1,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": 5,
            "MaximumRecordAgeInSeconds": 6 * 3600,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [failures, "Arn"]}}},
            "MetricsConfig": {"Metrics": ["EventCount"]},
        }
    assert (STREAM_BATCH_SIZE, STREAM_RETRY_ATTEMPTS, STREAM_MAX_RECORD_AGE_HOURS) == (100, 5, 6)


def test_lets_the_projector_read_the_stream_and_write_only_the_view_table(template: Template) -> None:
    orders = logical_id(template, "AWS::DynamoDB::GlobalTable", "Orders")
    view = logical_id(template, "AWS::DynamoDB::GlobalTable", "CustomerTotals")
    statements = [{"Action": sorted(actions(s)), "Resource": s["Resource"]} for s in dynamo_statements_of(template, "TotalsProjectorRole")]
    assert statements == [
        {
            "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
            "Resource": {"Fn::GetAtt": [orders, "StreamArn"]},
        },
        {"Action": ["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], "Resource": {"Fn::GetAtt": [view, "Arn"]}},
    ]
    template.has_resource_properties("AWS::Lambda::Function", {"Environment": {"Variables": {"TOTALS_TABLE_NAME": {"Ref": view}}}})


def test_gives_the_removal_audit_stream_read_rights_only_never_table_data_access(template: Template) -> None:
    orders = logical_id(template, "AWS::DynamoDB::GlobalTable", "Orders")
    statements = dynamo_statements_of(template, "RemovalAuditRole")
    assert sorted(a for s in statements for a in actions(s)) == [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    ]
    for s in statements:
        assert s["Resource"] == {"Fn::GetAtt": [orders, "StreamArn"]}
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_runs_both_consumers_on_python_3_13_and_arm64_with_json_logs_into_their_own_log_groups(template: Template) -> None:
    functions = list(template.find_resources("AWS::Lambda::Function").values())
    assert len(functions) == 2
    assert sorted(fn["Properties"]["Handler"] for fn in functions) == ["removal_audit.handler", "totals_projector.handler"]
    for fn in functions:
        assert fn["Properties"]["Runtime"] == "python3.13"
        assert fn["Properties"]["Architectures"] == ["arm64"]
        assert fn["Properties"]["LoggingConfig"]["LogFormat"] == "JSON"
        assert fn["Properties"]["TracingConfig"] == {"Mode": "Active"}
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})
    audit_logs = logical_id(template, "AWS::Logs::LogGroup", "RemovalAuditLogs")
    # The audit trail outlives the month the projector's logs are kept.
    template.has_resource_properties("AWS::Lambda::Function", {"LoggingConfig": {"LogFormat": "JSON", "LogGroup": {"Ref": audit_logs}}})
    assert template.find_resources("AWS::Logs::LogGroup")[audit_logs]["Properties"]["RetentionInDays"] == 365


def test_alarms_on_failure_pointers_consumer_errors_and_a_stream_backlog_notifying_one_alarm_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]

    def target(alarm: dict[str, Any]) -> str:
        value = alarm["Dimensions"][0]["Value"]
        return without_suffix(value.get("Ref") or value["Fn::GetAtt"][0])

    assert sorted(
        (a["MetricName"], target(a), a["Statistic"], a["Period"], a["Threshold"], a["EvaluationPeriods"], a["TreatMissingData"])
        for a in alarms
    ) == [
        ("ApproximateNumberOfMessagesVisible", "StreamFailures", "Maximum", 60, 1, 1, "notBreaching"),
        ("Errors", "RemovalAudit", "Sum", 300, 1, 1, "notBreaching"),
        ("Errors", "TotalsProjector", "Sum", 300, 1, 1, "notBreaching"),
        ("IteratorAge", "RemovalAudit", "Maximum", 60, 600000, 5, "notBreaching"),
        ("IteratorAge", "TotalsProjector", "Maximum", 60, 600000, 5, "notBreaching"),
    ]
    for alarm in alarms:
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(DynamodbStreamsProcessingStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(
    stack: DynamodbStreamsProcessingStack,
) -> None:
    with_email = DynamodbStreamsProcessingStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
