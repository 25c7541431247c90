import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from choreography_saga.choreography_saga_stack import ChoreographySagaStack
from contract import EVENT_TYPES, SOURCES
from tests.cdk_app import app_from_cdk_json
from tests.event_pattern import matches
from tests.saga_world import rules_of, service_of

NAMES = ("Orders", "Payments", "Inventory")


@pytest.fixture(scope="module")
def stack() -> ChoreographySagaStack:
    return ChoreographySagaStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: ChoreographySagaStack) -> Template:
    return Template.from_stack(stack)


def resources(template: Template, type_: str) -> dict[str, Any]:
    return template.find_resources(type_)


def logical_id(template: Template, prefix: str, type_: str) -> str:
    found = [i for i in resources(template, type_) if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", i)]
    assert len(found) == 1, f"expected one {type_} named {prefix}"
    return found[0]


def actions_of(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else action


def statements_of(template: Template, role_id: str) -> list[dict[str, Any]]:
    return [
        s
        for p in resources(template, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


# event flow


def test_puts_all_seven_rules_on_the_saga_bus_none_on_the_default_bus(template: Template) -> None:
    bus = logical_id(template, "ShopEvents", "AWS::Events::EventBus")
    rules = list(resources(template, "AWS::Events::Rule").values())
    assert len(rules) == 7
    assert all(rule["Properties"]["EventBusName"] == {"Ref": bus} for rule in rules)


def test_routes_every_event_type_the_services_publish_to_exactly_the_service_that_reacts_to_it(template: Template) -> None:
    rules = rules_of(template)
    # Each event type as its publisher puts it, evaluated against every rule's real pattern.
    graph = {
        detail_type: [service_of(t) for r in rules if matches(r["pattern"], {"source": source, "detail-type": detail_type, "detail": {"orderId": "ord-1"}}) for t in r["targets"]]
        for detail_type, source in EVENT_TYPES.items()
    }
    assert graph == {
        "OrderSubmitted": ["orders"],
        "OrderPlaced": ["payments"],
        "PaymentCompleted": ["inventory"],
        "StockReserved": ["orders"],
        "OrderConfirmed": [],
        "PaymentFailed": ["orders"],
        "StockFailed": ["payments"],
        "PaymentRefunded": ["orders"],
        "OrderCancelled": [],
    }


def test_ignores_an_event_with_the_right_detail_type_from_any_other_source(template: Template) -> None:
    rules = rules_of(template)
    for detail_type, publisher in EVENT_TYPES.items():
        for source in (s for s in SOURCES.values() if s != publisher):
            forged = {"source": source, "detail-type": detail_type, "detail": {"orderId": "ord-1"}}
            assert [r["id"] for r in rules if matches(r["pattern"], forged)] == [], f"{source} / {detail_type}"


def test_gives_every_rule_one_target_its_own_service_function_retried_four_times_within_an_hour_before_the_service_dlq(template: Template) -> None:
    expected = {
        "Orders": ["OrderSubmitted", "StockReserved", "PaymentFailed", "PaymentRefunded"],
        "Payments": ["OrderPlaced", "StockFailed"],
        "Inventory": ["PaymentCompleted"],
    }
    for name, detail_types in expected.items():
        for detail_type in detail_types:
            rule = resources(template, "AWS::Events::Rule")[logical_id(template, f"{name}On{detail_type}", "AWS::Events::Rule")]
            assert rule["Properties"]["EventPattern"] == {"source": [EVENT_TYPES[detail_type]], "detail-type": [detail_type]}
            assert rule["Properties"]["Targets"] == [
                {
                    "Id": "Target0",
                    "Arn": {"Fn::GetAtt": [logical_id(template, f"{name}Service", "AWS::Lambda::Function"), "Arn"]},
                    "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
                    "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [logical_id(template, f"{name}Dlq", "AWS::SQS::Queue"), "Arn"]}},
                }
            ]


# failure handling


def test_retries_a_handler_that_threw_twice_within_an_hour_then_parks_the_event_in_its_own_service_dlq(template: Template) -> None:
    configs = list(resources(template, "AWS::Lambda::EventInvokeConfig").values())
    assert len(configs) == 3
    by_function = {c["Properties"]["FunctionName"]["Ref"]: c["Properties"] for c in configs}
    for name in NAMES:
        config = by_function[logical_id(template, f"{name}Service", "AWS::Lambda::Function")]
        assert config["MaximumRetryAttempts"] == 2
        assert config["MaximumEventAgeInSeconds"] == 3600
        dlq = logical_id(template, f"{name}Dlq", "AWS::SQS::Queue")
        assert config["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [dlq, "Arn"]}}}


def test_lets_eventbridge_send_to_each_dlq_only_on_behalf_of_that_services_rules_and_only_over_tls(template: Template) -> None:
    for name in NAMES:
        queue = logical_id(template, f"{name}Dlq", "AWS::SQS::Queue")
        [policy] = [p for p in resources(template, "AWS::SQS::QueuePolicy").values() if p["Properties"]["Queues"] == [{"Ref": queue}]]
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        allows = [s for s in statements if s["Effect"] == "Allow"]
        for s in allows:
            assert s["Action"] == "sqs:SendMessage"
            assert s["Principal"] == {"Service": "events.amazonaws.com"}
        own_rules = sorted(i for i in resources(template, "AWS::Events::Rule") if i.startswith(f"{name}On"))
        assert sorted(s["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::GetAtt"][0] for s in allows) == own_rules
        assert any(s["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(s["Condition"]) for s in statements)


def test_alarms_on_a_message_in_any_service_dlq_and_on_errors_of_every_service_function_all_to_the_one_alarm_topic(template: Template) -> None:
    topic = logical_id(template, "AlarmTopic", "AWS::SNS::Topic")
    alarms = list(resources(template, "AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 6
    for alarm in alarms:
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": topic}]
        assert (props["Threshold"], props["EvaluationPeriods"]) == (1, 1)
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert props["TreatMissingData"] == "notBreaching"
    for name in NAMES:
        dlq = logical_id(template, f"{name}Dlq", "AWS::SQS::Queue")
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}],
                "Statistic": "Maximum",
                "Period": 60,
            },
        )
        fn = logical_id(template, f"{name}Service", "AWS::Lambda::Function")
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"Namespace": "AWS/Lambda", "MetricName": "Errors", "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": fn}}], "Statistic": "Sum", "Period": 300},
        )


def test_keeps_the_alarm_topic_tls_only_and_mails_it_only_when_deployed_with_an_alarm_email(template: Template) -> None:
    template.resource_count_is("AWS::SNS::Subscription", 0)
    [policy] = resources(template, "AWS::SNS::TopicPolicy").values()
    assert "aws:SecureTransport" in json.dumps(policy["Properties"]["PolicyDocument"])
    with_email = Template.from_stack(ChoreographySagaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "WithEmail"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_keeps_dead_lettered_events_encrypted_for_14_days(template: Template) -> None:
    for name in NAMES:
        queue = resources(template, "AWS::SQS::Queue")[logical_id(template, f"{name}Dlq", "AWS::SQS::Queue")]
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
        assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


# least privilege


def test_lets_each_service_write_only_to_its_own_table_with_only_the_actions_its_state_machine_needs(template: Template) -> None:
    expected = {"Orders": ["dynamodb:PutItem", "dynamodb:UpdateItem"], "Payments": ["dynamodb:PutItem", "dynamodb:UpdateItem"], "Inventory": ["dynamodb:PutItem"]}
    for name, actions in expected.items():
        statements = statements_of(template, logical_id(template, f"{name}ServiceRole", "AWS::IAM::Role"))
        dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in actions_of(s))]
        table = logical_id(template, f"{name}Table", "AWS::DynamoDB::GlobalTable")
        assert dynamo == [{"Action": actions[0] if len(actions) == 1 else actions, "Effect": "Allow", "Resource": {"Fn::GetAtt": [table, "Arn"]}}]


def test_lets_each_service_put_events_only_on_the_saga_bus_only_under_its_own_source_and_detail_types(template: Template) -> None:
    bus = logical_id(template, "ShopEvents", "AWS::Events::EventBus")
    expected = {
        "Orders": ("shop.orders", ["OrderPlaced", "OrderConfirmed", "OrderCancelled"]),
        "Payments": ("shop.payments", ["PaymentCompleted", "PaymentFailed", "PaymentRefunded"]),
        "Inventory": ("shop.inventory", ["StockReserved", "StockFailed"]),
    }
    for name, (source, detail_types) in expected.items():
        statements = statements_of(template, logical_id(template, f"{name}ServiceRole", "AWS::IAM::Role"))
        assert [s for s in statements if any(a.startswith("events:") for a in actions_of(s))] == [
            {
                "Action": "events:PutEvents",
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [bus, "Arn"]},
                "Condition": {
                    "ForAllValues:StringEquals": {"events:source": [source]},
                    "Null": {"events:source": "false"},
                    "StringEquals": {"events:detail-type": detail_types},
                },
            }
        ]
        table = logical_id(template, f"{name}Table", "AWS::DynamoDB::GlobalTable")
        template.has_resource_properties(
            "AWS::Lambda::Function", {"Environment": {"Variables": {"EVENT_BUS_NAME": {"Ref": bus}, "TABLE_NAME": {"Ref": table}}}}
        )


def test_gives_each_service_role_nothing_beyond_its_table_its_bus_events_its_own_dlq_its_own_logs_and_x_ray(template: Template) -> None:
    for name in NAMES:
        statements = statements_of(template, logical_id(template, f"{name}ServiceRole", "AWS::IAM::Role"))
        assert sorted({a.split(":")[0] for s in statements for a in actions_of(s)}) == ["dynamodb", "events", "logs", "sqs", "xray"], name
        dlq = logical_id(template, f"{name}Dlq", "AWS::SQS::Queue")
        assert [s["Resource"] for s in statements if any(a.startswith("sqs:") for a in actions_of(s))] == [{"Fn::GetAtt": [dlq, "Arn"]}]
        logs = logical_id(template, f"{name}ServiceLogs", "AWS::Logs::LogGroup")
        assert [s["Resource"] for s in statements if any(a.startswith("logs:") for a in actions_of(s))] == [{"Fn::GetAtt": [logs, "Arn"]}]
        wildcards = sorted(a for s in statements if s["Resource"] == "*" for a in actions_of(s))
        assert wildcards == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], name
    assert all("ManagedPolicyArns" not in role["Properties"] for role in resources(template, "AWS::IAM::Role").values())


def test_lets_eventbridge_invoke_each_service_function_only_from_that_services_rules(template: Template) -> None:
    from_events = [p for p in resources(template, "AWS::Lambda::Permission").values() if p["Properties"]["Principal"] == "events.amazonaws.com"]
    assert len(from_events) == 7
    for permission in from_events:
        fn = permission["Properties"]["FunctionName"]["Fn::GetAtt"][0]
        rule = permission["Properties"]["SourceArn"]["Fn::GetAtt"][0]
        assert rule.startswith(re.sub(r"Service[0-9A-F]{8}$", "On", fn)), f"{rule} may not invoke {fn}"


# functions and tables


def test_runs_every_service_on_python_3_13_arm64_traced_with_json_logs_kept_a_month(template: Template) -> None:
    functions = list(resources(template, "AWS::Lambda::Function").values())
    assert len(functions) == 3
    for fn in functions:
        props = fn["Properties"]
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["LoggingConfig"]["LogFormat"] == "JSON"
        assert props["Timeout"] == 10
        assert "ReservedConcurrentExecutions" not in props
    assert all(lg["Properties"]["RetentionInDays"] == 30 for lg in resources(template, "AWS::Logs::LogGroup").values())


def test_gives_each_service_its_own_on_demand_table_keyed_by_order_id_with_point_in_time_recovery(template: Template) -> None:
    tables = resources(template, "AWS::DynamoDB::GlobalTable")
    assert len(tables) == 3
    for name in NAMES:
        props = tables[logical_id(template, f"{name}Table", "AWS::DynamoDB::GlobalTable")]["Properties"]
        assert props["KeySchema"] == [{"AttributeName": "orderId", "KeyType": "HASH"}]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["Replicas"][0]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: ChoreographySagaStack) -> None:
    # Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    with_email = ChoreographySagaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings in {scope.node.id}"
