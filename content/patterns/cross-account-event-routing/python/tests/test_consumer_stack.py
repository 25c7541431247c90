import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.event_pattern import matches, sample_event
from tests.stacks import actions, build_stacks, logical_id, role_statements

PRODUCER = "111111111111"
CONSUMER = "222222222222"


@pytest.fixture(scope="module")
def template() -> Template:
    _, consumer = build_stacks()
    return Template.from_stack(consumer)


@pytest.fixture(scope="module")
def resources(template: Template) -> dict[str, Any]:
    return template.to_json()["Resources"]


def test_names_the_bus_from_context_so_the_producer_can_write_its_arn(template: Template) -> None:
    _, consumer = build_stacks(consumerBusName="partner-orders")
    Template.from_stack(consumer).has_resource_properties("AWS::Events::EventBus", {"Name": "partner-orders"})
    template.has_resource_properties("AWS::Events::EventBus", {"Name": "shipped-orders-inbound"})
    assert consumer.account == CONSUMER


def test_lets_only_the_producer_account_put_only_shipped_order_events_on_the_bus(resources: dict[str, Any]) -> None:
    policies = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Events::EventBusPolicy"]
    bus_id = logical_id(resources, "AWS::Events::EventBus", "ConsumerBus")
    assert policies == [
        {
            "EventBusName": {"Ref": bus_id},
            "StatementId": "cdk-AllowShippedOrdersFromProducer",
            "Statement": {
                "Sid": "cdk-AllowShippedOrdersFromProducer",
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Principal": {"AWS": f"arn:aws:iam::{PRODUCER}:root"},
                "Resource": {"Fn::GetAtt": [bus_id, "Arn"]},
                "Condition": {
                    "ForAllValues:StringEquals": {"events:source": ["com.example.orders"]},
                    "StringEquals": {"events:detail-type": "OrderShipped"},
                },
            },
        }
    ]
    # The grant follows the context: another producer account is the one, and only, principal.
    _, other = build_stacks(producerAccount="333333333333")
    text = json.dumps(Template.from_stack(other).to_json())
    assert "arn:aws:iam::333333333333:root" in text
    assert "111111111111" not in text


def test_routes_only_shipped_orders_from_the_producer_account_to_the_handler(template: Template, resources: dict[str, Any]) -> None:
    rule = resources[logical_id(resources, "AWS::Events::Rule", "ShippedOrdersRule")]["Properties"]
    pattern = rule["EventPattern"]
    assert pattern == {"source": ["com.example.orders"], "detail-type": ["OrderShipped"], "account": [PRODUCER]}
    assert matches(pattern, sample_event(account=PRODUCER))
    # The same event put on the bus from the consumer's own account, or any other, does not fire the rule.
    assert not matches(pattern, sample_event(account=CONSUMER))
    assert not matches(pattern, sample_event(account="999999999999"))
    assert not matches(pattern, sample_event(detail_type="OrderCreated"))
    assert rule["EventBusName"] == {"Ref": logical_id(resources, "AWS::Events::EventBus", "ConsumerBus")}
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "shipment_handler.handler",
            "Environment": {"Variables": {"PRODUCER_ACCOUNT": PRODUCER}},
        },
    )


def test_retries_delivery_and_processing_then_parks_the_shipment_in_failed_shipments(template: Template, resources: dict[str, Any]) -> None:
    queue_arn = {"Fn::GetAtt": [logical_id(resources, "AWS::SQS::Queue", "FailedShipments"), "Arn"]}
    fn_id = logical_id(resources, "AWS::Lambda::Function", "ShipmentHandler")
    rule = resources[logical_id(resources, "AWS::Events::Rule", "ShippedOrdersRule")]["Properties"]
    assert rule["Targets"] == [
        {
            "Id": "Target0",
            "Arn": {"Fn::GetAtt": [fn_id, "Arn"]},
            "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": queue_arn},
        }
    ]
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": {"Ref": fn_id},
            "MaximumRetryAttempts": 2,
            "MaximumEventAgeInSeconds": 3600,
            "DestinationConfig": {"OnFailure": {"Destination": queue_arn}},
        },
    )
    template.has_resource_properties("AWS::SQS::Queue", {"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True})


def test_gives_the_handler_nothing_beyond_its_own_logs_traces_and_the_failure_queue(resources: dict[str, Any]) -> None:
    role_id = logical_id(resources, "AWS::IAM::Role", "ShipmentHandlerRole")
    statements = [(actions(s), s["Resource"]) for s in role_statements(resources, role_id)]
    assert statements == [
        (["logs:CreateLogStream", "logs:PutLogEvents"], {"Fn::GetAtt": [logical_id(resources, "AWS::Logs::LogGroup", "ShipmentHandlerLogs"), "Arn"]}),
        (["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "*"),
        (
            ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
            {"Fn::GetAtt": [logical_id(resources, "AWS::SQS::Queue", "FailedShipments"), "Arn"]},
        ),
    ]
    assert "ManagedPolicyArns" not in resources[role_id]["Properties"]
    permissions = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Permission"]
    rule_arn = {"Fn::GetAtt": [logical_id(resources, "AWS::Events::Rule", "ShippedOrdersRule"), "Arn"]}
    assert [(p["Principal"], p["SourceArn"]) for p in permissions] == [("events.amazonaws.com", rule_arn)]


def test_alarms_on_a_parked_shipment_and_on_handler_errors_notifying_the_consumer_alarm_topic(
    template: Template, resources: dict[str, Any]
) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1 and topics[0].startswith("AlarmTopic")
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    summary = sorted(
        (a["Namespace"], a["MetricName"], a["Statistic"], a["Threshold"], a["ComparisonOperator"], json.dumps(a["Dimensions"])) for a in alarms
    )
    assert summary == [
        ("AWS/Lambda", "Errors", "Sum", 1, "GreaterThanOrEqualToThreshold", json.dumps([
            {"Name": "FunctionName", "Value": {"Ref": logical_id(resources, "AWS::Lambda::Function", "ShipmentHandler")}},
        ])),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 1, "GreaterThanOrEqualToThreshold", json.dumps([
            {"Name": "QueueName", "Value": {"Fn::GetAtt": [logical_id(resources, "AWS::SQS::Queue", "FailedShipments"), "QueueName"]}},
        ])),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    _, with_email = build_stacks(alarmEmail="ops@example.com")
    Template.from_stack(with_email).has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": Match.exact("ops@example.com")}
    )


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged() -> None:
    for context in ({}, {"alarmEmail": "ops@example.com"}):
        _, consumer = build_stacks(**context)
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(consumer)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
