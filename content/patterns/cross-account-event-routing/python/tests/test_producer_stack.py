import json
from typing import Any

import pytest
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.event_pattern import matches, sample_event
from tests.stacks import build_stacks, logical_id, role_statements

CONSUMER_BUS_ARN = "arn:aws:events:us-east-1:222222222222:event-bus/shipped-orders-inbound"


@pytest.fixture(scope="module")
def template() -> Template:
    producer, _ = build_stacks()
    return Template.from_stack(producer)


@pytest.fixture(scope="module")
def resources(template: Template) -> dict[str, Any]:
    return template.to_json()["Resources"]


def forwarding_rule(resources: dict[str, Any]) -> dict[str, Any]:
    return resources[logical_id(resources, "AWS::Events::Rule", "ForwardShippedOrders")]["Properties"]


def test_forwards_only_order_shipped_events_from_com_example_orders(resources: dict[str, Any]) -> None:
    pattern = forwarding_rule(resources)["EventPattern"]
    assert pattern == {"source": ["com.example.orders"], "detail-type": ["OrderShipped"]}
    assert matches(pattern, sample_event())
    # Everything else on the order bus stays in the producer account.
    assert not matches(pattern, sample_event(detail_type="OrderCreated"))
    assert not matches(pattern, sample_event(detail_type="OrderShippedInternal"))
    assert not matches(pattern, sample_event(source="com.example.billing"))
    assert not matches(pattern, sample_event(source="com.example.orders.test"))


def test_sends_them_to_the_consumer_bus_arn_through_its_own_role_parking_refusals_in_undelivered_orders(resources: dict[str, Any]) -> None:
    rule = forwarding_rule(resources)
    assert rule["EventBusName"] == {"Ref": logical_id(resources, "AWS::Events::EventBus", "OrdersBus")}
    assert rule["Targets"] == [
        {
            "Id": "Target0",
            "Arn": CONSUMER_BUS_ARN,
            "RoleArn": {"Fn::GetAtt": [logical_id(resources, "AWS::IAM::Role", "ForwardingRole"), "Arn"]},
            "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [logical_id(resources, "AWS::SQS::Queue", "UndeliveredOrders"), "Arn"]}},
        }
    ]


def test_lets_the_forwarding_role_do_nothing_but_put_events_on_the_consumer_bus_and_only_eventbridge_assume_it(
    template: Template, resources: dict[str, Any]
) -> None:
    role_id = logical_id(resources, "AWS::IAM::Role", "ForwardingRole")
    assert role_statements(resources, role_id) == [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": CONSUMER_BUS_ARN}]
    role = resources[role_id]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}}
    ]
    assert "ManagedPolicyArns" not in role
    # No other role in the stack can reach the consumer account.
    assert json.dumps(template.find_resources("AWS::IAM::Policy")).count(CONSUMER_BUS_ARN) == 1


def test_builds_the_consumer_bus_arn_from_context_without_reading_the_consumer_stack() -> None:
    producer, _ = build_stacks(producerAccount="012345678901", consumerAccount="210987654321", region="eu-west-1", consumerBusName="partner-orders")
    document = Template.from_stack(producer).to_json()
    rule = next(r for r in document["Resources"].values() if r["Type"] == "AWS::Events::Rule")
    assert rule["Properties"]["Targets"][0]["Arn"] == "arn:aws:events:eu-west-1:210987654321:event-bus/partner-orders"
    assert (producer.account, producer.region) == ("012345678901", "eu-west-1")
    # Cross-account stacks cannot share outputs: nothing may be imported from another stack.
    assert "Fn::ImportValue" not in json.dumps(document)


def test_keeps_undelivered_events_14_days_in_an_encrypted_queue_only_the_forwarding_rule_may_write_to(resources: dict[str, Any]) -> None:
    queue_id = logical_id(resources, "AWS::SQS::Queue", "UndeliveredOrders")
    assert resources[queue_id]["Properties"] == {"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}
    policy = next(r for r in resources.values() if r["Type"] == "AWS::SQS::QueuePolicy")["Properties"]["PolicyDocument"]
    allows = [(s["Action"], s["Principal"], s["Condition"]) for s in policy["Statement"] if s["Effect"] == "Allow"]
    rule_arn = {"Fn::GetAtt": [logical_id(resources, "AWS::Events::Rule", "ForwardShippedOrders"), "Arn"]}
    assert allows == [("sqs:SendMessage", {"Service": "events.amazonaws.com"}, {"ArnEquals": {"aws:SourceArn": rule_arn}})]
    assert any(s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}} for s in policy["Statement"])


def test_alarms_on_a_parked_event_and_on_failed_forwarding_notifying_the_producer_alarm_topic(
    template: Template, resources: dict[str, Any]
) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1 and topics[0].startswith("AlarmTopic")
    rule_id = logical_id(resources, "AWS::Events::Rule", "ForwardShippedOrders")
    queue_id = logical_id(resources, "AWS::SQS::Queue", "UndeliveredOrders")
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    summary = sorted(
        (a["Namespace"], a["MetricName"], a["Statistic"], a["Threshold"], a["ComparisonOperator"], json.dumps(a["Dimensions"])) for a in alarms
    )
    split = {"Fn::Split": ["|", {"Ref": rule_id}]}
    assert summary == [
        ("AWS/Events", "FailedInvocations", "Sum", 1, "GreaterThanOrEqualToThreshold", json.dumps([
            {"Name": "EventBusName", "Value": {"Fn::Select": [0, split]}},
            {"Name": "RuleName", "Value": {"Fn::Select": [1, split]}},
        ])),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 1, "GreaterThanOrEqualToThreshold", json.dumps([
            {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}},
        ])),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email, _ = build_stacks(alarmEmail="ops@example.com")
    Template.from_stack(with_email).has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged() -> None:
    for context in ({}, {"alarmEmail": "ops@example.com"}):
        producer, _ = build_stacks(**context)
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(producer)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
