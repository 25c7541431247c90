import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from eventbridge_archive_and_replay.eventbridge_archive_and_replay_stack import EventbridgeArchiveAndReplayStack
from tests.cdk_app import app_from_cdk_json

TLS_ONLY = Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})


@pytest.fixture(scope="module")
def stack() -> EventbridgeArchiveAndReplayStack:
    return EventbridgeArchiveAndReplayStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: EventbridgeArchiveAndReplayStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def resources(template: Template) -> dict[str, Any]:
    return template.to_json()["Resources"]


def logical_id(resources: dict[str, Any], name: str, resource_type: str) -> str:
    """The logical id of the one resource of a type whose construct id is `name`."""
    found = [k for k, r in resources.items() if r["Type"] == resource_type and re.fullmatch(f"{name}[0-9A-F]{{8}}", k)]
    assert len(found) == 1, f"one {resource_type} named {name}"
    return found[0]


def arn(resources: dict[str, Any], name: str, resource_type: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id(resources, name, resource_type), "Arn"]}


def statements_of(resources: dict[str, Any], role: str) -> list[dict[str, Any]]:
    role_id = logical_id(resources, role, "AWS::IAM::Role")
    return [
        s
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in r["Properties"]["Roles"]
        for s in r["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def test_keeps_order_lifecycle_events_from_the_orders_bus_in_the_archive_for_30_days(resources: dict[str, Any]) -> None:
    archives = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Events::Archive"]
    assert len(archives) == 1
    archive = archives[0]
    assert archive["SourceArn"] == arn(resources, "OrdersBus", "AWS::Events::EventBus")
    assert archive["RetentionDays"] == 30
    assert archive["EventPattern"] == {"detail-type": [{"prefix": "Order"}], "source": ["com.example.orders"]}
    # No fixed name, so two copies of the stack can live in one account and Region.
    assert "ArchiveName" not in archive
    # Encrypted with the AWS owned key: no KmsKeyIdentifier at all, not the empty string the L2 writes.
    assert "KmsKeyIdentifier" not in archive
    buses = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Events::EventBus"]
    assert len(buses) == 1 and buses[0]["Name"].startswith("UnderTestOrdersBus")


def test_sends_the_ledger_rule_to_the_ledger_queue_retrying_for_a_day_before_its_dead_letter_queue(resources: dict[str, Any]) -> None:
    rule = resources[logical_id(resources, "LedgerRule", "AWS::Events::Rule")]["Properties"]
    assert rule["EventBusName"] == {"Ref": logical_id(resources, "OrdersBus", "AWS::Events::EventBus")}
    assert rule["Targets"] == [
        {
            "Id": "Target0",
            "Arn": arn(resources, "LedgerQueue", "AWS::SQS::Queue"),
            "DeadLetterConfig": {"Arn": arn(resources, "LedgerDlq", "AWS::SQS::Queue")},
            "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
        }
    ]


def test_drains_the_ledger_queue_with_at_most_five_writers_reporting_per_record_failures_and_parks_a_message_after_three_receives(
    template: Template, resources: dict[str, Any]
) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": arn(resources, "LedgerQueue", "AWS::SQS::Queue"),
            "FunctionName": {"Ref": logical_id(resources, "LedgerWriter", "AWS::Lambda::Function")},
            "BatchSize": 10,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": 5},
        },
    )
    queue = resources[logical_id(resources, "LedgerQueue", "AWS::SQS::Queue")]["Properties"]
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": arn(resources, "LedgerDlq", "AWS::SQS::Queue"), "maxReceiveCount": 3}
    assert queue["VisibilityTimeout"] == 60
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Timeout": 10,
            "ReservedConcurrentExecutions": Match.absent(),
            "Environment": {"Variables": {"LEDGER_TABLE_NAME": {"Ref": logical_id(resources, "Ledger", "AWS::DynamoDB::GlobalTable")}}},
        },
    )


def test_invokes_the_notifier_from_its_rule_only_with_retries_on_both_hops_into_one_dead_letter_queue(
    template: Template, resources: dict[str, Any]
) -> None:
    rule = resources[logical_id(resources, "NotifierRule", "AWS::Events::Rule")]["Properties"]
    notifier = logical_id(resources, "Notifier", "AWS::Lambda::Function")
    assert rule["Targets"] == [
        {
            "Id": "Target0",
            "Arn": {"Fn::GetAtt": [notifier, "Arn"]},
            "DeadLetterConfig": {"Arn": arn(resources, "NotifierDlq", "AWS::SQS::Queue")},
            "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
        }
    ]
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": {"Ref": notifier},
            "MaximumRetryAttempts": 2,
            "MaximumEventAgeInSeconds": 3600,
            "DestinationConfig": {"OnFailure": {"Destination": arn(resources, "NotifierDlq", "AWS::SQS::Queue")}},
        },
    )
    permissions = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Permission"]
    assert permissions == [
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [notifier, "Arn"]},
            "Principal": "events.amazonaws.com",
            "SourceArn": arn(resources, "NotifierRule", "AWS::Events::Rule"),
        }
    ]


def test_keys_the_ledger_on_one_string_attribute_billed_on_demand_with_point_in_time_recovery(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )


def test_lets_the_ledger_writer_do_nothing_to_the_table_but_put_item_and_update_item_and_the_notifier_nothing_at_all(
    resources: dict[str, Any],
) -> None:
    table = arn(resources, "Ledger", "AWS::DynamoDB::GlobalTable")
    writer = statements_of(resources, "LedgerWriterRole")
    assert [(s["Action"], s["Resource"]) for s in writer if any(a.startswith("dynamodb:") for a in actions(s))] == [
        (["dynamodb:PutItem", "dynamodb:UpdateItem"], table)
    ]
    notifier = statements_of(resources, "NotifierRole")
    others = sorted(a for s in notifier for a in actions(s) if not a.startswith(("logs:", "xray:")))
    assert others == ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"]
    assert next(s for s in notifier if "sqs:SendMessage" in actions(s))["Resource"] == arn(resources, "NotifierDlq", "AWS::SQS::Queue")
    for statement in (*writer, *notifier):
        if statement["Resource"] == "*":
            assert sorted(actions(statement)) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    for role in (r for r in resources.values() if r["Type"] == "AWS::IAM::Role"):
        assert "ManagedPolicyArns" not in role["Properties"]


def test_lets_eventbridge_send_to_each_queue_only_on_behalf_of_its_own_rule_and_only_over_tls(
    template: Template, resources: dict[str, Any]
) -> None:
    def senders(queue: str) -> list[Any]:
        queue_id = logical_id(resources, queue, "AWS::SQS::Queue")
        template.has_resource_properties(
            "AWS::SQS::QueuePolicy", {"Queues": [{"Ref": queue_id}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}}
        )
        policy = next(r for r in resources.values() if r["Type"] == "AWS::SQS::QueuePolicy" and r["Properties"]["Queues"][0] == {"Ref": queue_id})
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        return [[s["Principal"], s["Condition"]["ArnEquals"]["aws:SourceArn"]] for s in statements if s["Effect"] == "Allow"]

    events = {"Service": "events.amazonaws.com"}
    assert senders("LedgerQueue") == [[events, arn(resources, "LedgerRule", "AWS::Events::Rule")]]
    assert senders("LedgerDlq") == [[events, arn(resources, "LedgerRule", "AWS::Events::Rule")]]
    assert senders("NotifierDlq") == [[events, arn(resources, "NotifierRule", "AWS::Events::Rule")]]
    for queue in (r for r in resources.values() if r["Type"] == "AWS::SQS::Queue"):
        assert queue["Properties"]["SqsManagedSseEnabled"] is True


def test_alarms_on_either_dead_letter_queue_and_on_errors_of_either_function_notifying_one_alarm_topic(resources: dict[str, Any]) -> None:
    topics = [k for k, r in resources.items() if r["Type"] == "AWS::SNS::Topic"]
    assert topics == [logical_id(resources, "AlarmTopic", "AWS::SNS::Topic")]
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    watched = sorted(json.dumps([a["Namespace"], a["MetricName"], a["Statistic"], a["Threshold"], a["Dimensions"][0]["Value"]]) for a in alarms)

    def queue_name(name: str) -> dict[str, Any]:
        return {"Fn::GetAtt": [logical_id(resources, name, "AWS::SQS::Queue"), "QueueName"]}

    def function(name: str) -> dict[str, Any]:
        return {"Ref": logical_id(resources, name, "AWS::Lambda::Function")}

    assert watched == sorted(
        json.dumps(w)
        for w in [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 1, queue_name("LedgerDlq")],
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 1, queue_name("NotifierDlq")],
            ["AWS/Lambda", "Errors", "Sum", 1, function("LedgerWriter")],
            ["AWS/Lambda", "Errors", "Sum", 1, function("Notifier")],
        ]
    )
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["TreatMissingData"] == "notBreaching"


def test_keeps_the_alarm_topic_tls_only_and_subscribes_an_email_address_only_when_alarm_email_is_set(template: Template) -> None:
    template.has_resource_properties("AWS::SNS::TopicPolicy", {"PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}})
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(EventbridgeArchiveAndReplayStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(
    stack: EventbridgeArchiveAndReplayStack,
) -> None:
    with_email = EventbridgeArchiveAndReplayStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            findings = [f"{v.rule_name}: {v.description}" for v in pack.validate_scope(scope).violations]
            assert findings == [], f"{pack.name} has unacknowledged findings"
