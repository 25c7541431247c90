import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

import outbox_item
from tests.cdk_app import app_from_cdk_json
from transactional_outbox.order_api import API_THROTTLE_BURST_LIMIT, API_THROTTLE_RATE_LIMIT
from transactional_outbox.order_events import (
    DELIVERY_MAX_EVENT_AGE_HOURS,
    DELIVERY_MAX_RECEIVE_COUNT,
    DELIVERY_RETRY_ATTEMPTS,
    EVENT_SOURCE,
)
from transactional_outbox.outbox_relay import (
    RELAY_ALARM_ITERATOR_AGE_MINUTES,
    RELAY_BATCH_SIZE,
    RELAY_MAX_RECORD_AGE_HOURS,
    RELAY_RETRY_ATTEMPTS,
)
from transactional_outbox.transactional_outbox_stack import TransactionalOutboxStack


def matches(pattern: dict[str, Any], value: Any) -> bool:
    """Lambda's event filtering for the only shape this stack uses: nested objects whose leaves are
    lists of allowed exact values. A record is delivered when it matches any one pattern."""
    fields = value if isinstance(value, dict) else {}
    for name, rule in pattern.items():
        if isinstance(rule, list):
            if any(isinstance(r, dict) for r in rule):
                raise ValueError(f"unsupported rule {rule}")
            if name not in fields or fields[name] not in rule:
                return False
        elif not matches(rule, fields.get(name)):
            return False
    return True


@pytest.fixture(scope="module")
def stack() -> TransactionalOutboxStack:
    return TransactionalOutboxStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TransactionalOutboxStack) -> Template:
    return Template.from_stack(stack)


def statements_of_role(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def logical_id(template: Template, resource_type: str, name: str) -> str:
    """The logical id of the one resource of a type whose construct id is `name`."""
    ids = [i for i in template.find_resources(resource_type) if re.sub("[0-9A-F]{8}$", "", i) == name]
    assert len(ids) == 1, f"{resource_type} {name}"
    return ids[0]


def test_keeps_events_in_an_outbox_table_of_their_own_streamed_as_new_images_and_expired_by_ttl(template: Template) -> None:
    template.resource_count_is("AWS::DynamoDB::GlobalTable", 2)
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "eventId", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )
    # The orders table needs no stream: nothing is published from it directly.
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {"KeySchema": [{"AttributeName": "orderId", "KeyType": "HASH"}], "StreamSpecification": Match.absent()},
    )
    assert outbox_item.OUTBOX_RETENTION_DAYS == 7
    # The rule matches the source the writer stamps on its events.
    assert EVENT_SOURCE == outbox_item.EVENT_SOURCE


def test_delivers_only_new_outbox_items_to_the_relay_never_ttl_removals(template: Template) -> None:
    (mapping,) = template.find_resources("AWS::Lambda::EventSourceMapping").values()
    patterns = [json.loads(f["Pattern"]) for f in mapping["Properties"]["FilterCriteria"]["Filters"]]

    def delivered(record: dict[str, Any]) -> bool:
        return any(matches(p, record) for p in patterns)

    image = {"eventId": {"S": "evt-1"}, "detail": {"S": "{}"}}
    assert delivered({"eventName": "INSERT", "dynamodb": {"NewImage": image}})
    assert not delivered(
        {
            "eventName": "REMOVE",
            "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
            "dynamodb": {"Keys": {"eventId": {"S": "evt-1"}}},
        }
    )
    assert not delivered({"eventName": "MODIFY", "dynamodb": {"NewImage": image}})


def test_relays_the_stream_in_order_with_partial_batch_responses_bisect_bounded_retries_and_a_failure_queue(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": {"Fn::GetAtt": [logical_id(template, "AWS::DynamoDB::GlobalTable", "Outbox"), "StreamArn"]},
            "FunctionName": {"Ref": logical_id(template, "AWS::Lambda::Function", "OutboxRelay")},
            "StartingPosition": "TRIM_HORIZON",
            "BatchSize": RELAY_BATCH_SIZE,
            "ParallelizationFactor": 1,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": RELAY_RETRY_ATTEMPTS,
            "MaximumRecordAgeInSeconds": RELAY_MAX_RECORD_AGE_HOURS * 3600,
            "DestinationConfig": {
                "OnFailure": {"Destination": {"Fn::GetAtt": [logical_id(template, "AWS::SQS::Queue", "RelayFailures"), "Arn"]}}
            },
        },
    )
    assert [RELAY_BATCH_SIZE, RELAY_RETRY_ATTEMPTS, RELAY_MAX_RECORD_AGE_HOURS] == [50, 10, 6]


def test_lets_the_writer_put_and_update_orders_and_put_outbox_items_and_nothing_else_on_either_table(template: Template) -> None:
    dynamo = [s for s in statements_of_role(template, "OrderWriterRole") if any(a.startswith("dynamodb:") for a in actions(s))]
    assert [{"Action": s["Action"], "Resource": s["Resource"]} for s in dynamo] == [
        {
            "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
            "Resource": {"Fn::GetAtt": [logical_id(template, "AWS::DynamoDB::GlobalTable", "Orders"), "Arn"]},
        },
        {"Action": "dynamodb:PutItem", "Resource": {"Fn::GetAtt": [logical_id(template, "AWS::DynamoDB::GlobalTable", "Outbox"), "Arn"]}},
    ]


def test_lets_the_relay_read_the_outbox_stream_and_put_events_on_the_one_bus_never_touch_table_items(template: Template) -> None:
    statements = statements_of_role(template, "OutboxRelayRole")
    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in actions(s))]
    assert sorted(a for s in dynamo for a in actions(s)) == [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    ]
    stream = {"Fn::GetAtt": [logical_id(template, "AWS::DynamoDB::GlobalTable", "Outbox"), "StreamArn"]}
    for s in dynamo:
        assert s["Resource"] == stream
    published = [s for s in statements if any(a.startswith("events:") for a in actions(s))]
    assert [{"Action": s["Action"], "Resource": s["Resource"]} for s in published] == [
        {"Action": "events:PutEvents", "Resource": {"Fn::GetAtt": [logical_id(template, "AWS::Events::EventBus", "OrderBus"), "Arn"]}}
    ]


def test_routes_post_orders_and_post_orders_order_id_cancel_to_the_writer_on_a_throttled_access_logged_stage(template: Template) -> None:
    routes = sorted(r["Properties"]["RouteKey"] for r in template.find_resources("AWS::ApiGatewayV2::Route").values())
    assert routes == ["POST /orders", "POST /orders/{orderId}/cancel"]
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "AccessLogSettings": Match.object_like(
                {"DestinationArn": {"Fn::GetAtt": [logical_id(template, "AWS::Logs::LogGroup", "ApiAccessLogs"), "Arn"]}}
            ),
            "DefaultRouteSettings": {"ThrottlingRateLimit": API_THROTTLE_RATE_LIMIT, "ThrottlingBurstLimit": API_THROTTLE_BURST_LIMIT},
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "order_writer.handler",
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "ORDERS_TABLE_NAME": {"Ref": logical_id(template, "AWS::DynamoDB::GlobalTable", "Orders")},
                        "OUTBOX_TABLE_NAME": {"Ref": logical_id(template, "AWS::DynamoDB::GlobalTable", "Outbox")},
                    }
                )
            },
        },
    )


def test_sends_every_order_event_on_the_bus_to_the_order_events_queue_with_undeliverable_events_kept_in_a_dlq(template: Template) -> None:
    dlq = logical_id(template, "AWS::SQS::Queue", "OrderEventsDlq")
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventBusName": {"Ref": logical_id(template, "AWS::Events::EventBus", "OrderBus")},
            "EventPattern": {"source": [EVENT_SOURCE]},
            "Targets": [
                Match.object_like(
                    {
                        "Arn": {"Fn::GetAtt": [logical_id(template, "AWS::SQS::Queue", "OrderEvents"), "Arn"]},
                        "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [dlq, "Arn"]}},
                        "RetryPolicy": {
                            "MaximumRetryAttempts": DELIVERY_RETRY_ATTEMPTS,
                            "MaximumEventAgeInSeconds": DELIVERY_MAX_EVENT_AGE_HOURS * 3600,
                        },
                    }
                )
            ],
        },
    )
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]}, "maxReceiveCount": DELIVERY_MAX_RECEIVE_COUNT}},
    )


def test_alarms_on_relay_failures_relay_errors_relay_lag_undeliverable_events_writer_errors_and_api_5xx_notifying_one_topic(
    template: Template,
) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]

    def target(alarm: dict[str, Any]) -> str:
        value = alarm["Dimensions"][0]["Value"]
        return re.sub("[0-9A-F]{8}$", "", value.get("Ref") or value["Fn::GetAtt"][0])

    assert sorted((a["MetricName"], target(a), a["Statistic"], a["Period"], a["Threshold"]) for a in alarms) == sorted(
        [
            ("5xx", "OrdersApi", "Sum", 300, 1),
            ("ApproximateNumberOfMessagesVisible", "OrderEventsDlq", "Maximum", 60, 1),
            ("ApproximateNumberOfMessagesVisible", "RelayFailures", "Maximum", 60, 1),
            ("Errors", "OrderWriter", "Sum", 300, 1),
            ("Errors", "OutboxRelay", "Sum", 300, 1),
            ("IteratorAge", "OutboxRelay", "Maximum", 60, RELAY_ALARM_ITERATOR_AGE_MINUTES * 60_000),
        ]
    )
    for alarm in alarms:
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TransactionalOutboxStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TransactionalOutboxStack) -> None:
    with_email = TransactionalOutboxStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
