import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from idempotency_settings import IDEMPOTENCY_KEY_ATTRIBUTE, IDEMPOTENCY_TTL_ATTRIBUTE, IDEMPOTENCY_WINDOW_SECONDS
from idempotent_event_handler.idempotent_event_handler_stack import (
    CHARGE_TIMEOUT,
    IDEMPOTENCY_TABLE_ACTIONS,
    MAX_RECEIVE_COUNT,
    IdempotentEventHandlerStack,
)
from tests.cdk_app import app_from_cdk_json

TLS_ONLY = Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})


@pytest.fixture(scope="module")
def stack() -> IdempotentEventHandlerStack:
    return IdempotentEventHandlerStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: IdempotentEventHandlerStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def with_email() -> IdempotentEventHandlerStack:
    return IdempotentEventHandlerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email")


def logical_id(template: Template, prefix: str, resource_type: str) -> str:
    matches = [i for i in template.find_resources(resource_type) if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", i)]
    assert len(matches) == 1, f"expected one {resource_type} named {prefix}"
    return matches[0]


@pytest.fixture(scope="module")
def ids(template: Template) -> dict[str, str]:
    return {
        "queue": logical_id(template, "PaymentRequests", "AWS::SQS::Queue"),
        "dlq": logical_id(template, "PaymentRequestsDlq", "AWS::SQS::Queue"),
        "records": logical_id(template, "IdempotencyRecords", "AWS::DynamoDB::GlobalTable"),
        "payments": logical_id(template, "Payments", "AWS::DynamoDB::GlobalTable"),
        "fn": logical_id(template, "ChargePayments", "AWS::Lambda::Function"),
        "role": logical_id(template, "ChargePaymentsRole", "AWS::IAM::Role"),
        "topic": logical_id(template, "AlarmTopic", "AWS::SNS::Topic"),
    }


def resource(template: Template, logical: str) -> dict[str, Any]:
    return template.to_json()["Resources"][logical]


def role_statements(template: Template, role: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if policy["Properties"]["Roles"] == [{"Ref": role}]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def test_keys_the_idempotency_table_on_id_and_lets_dynamodb_ttl_delete_records_by_their_expiration_attribute(template, ids) -> None:
    table = resource(template, ids["records"])["Properties"]
    assert IDEMPOTENCY_KEY_ATTRIBUTE == "id"
    assert IDEMPOTENCY_TTL_ATTRIBUTE == "expiration"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert "TableName" not in table, "no hard-coded physical name"


def test_records_each_charge_as_its_own_item_under_the_payment_id_with_point_in_time_recovery(template, ids) -> None:
    table = resource(template, ids["payments"])["Properties"]
    assert table["KeySchema"] == [
        {"AttributeName": "paymentId", "KeyType": "HASH"},
        {"AttributeName": "chargeId", "KeyType": "RANGE"},
    ]
    assert table["Replicas"][0]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_feeds_the_function_from_the_queue_in_batches_reporting_per_record_failures(template, ids) -> None:
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": {"Fn::GetAtt": [ids["queue"], "Arn"]},
            "FunctionName": {"Ref": ids["fn"]},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "BatchSize": 10,
            "MaximumBatchingWindowInSeconds": 1,
            "ScalingConfig": {"MaximumConcurrency": 5},
        },
    )


def test_moves_a_payment_request_to_the_dlq_after_three_receives_and_keeps_it_there_14_days(template, ids) -> None:
    assert MAX_RECEIVE_COUNT == 3
    assert resource(template, ids["queue"])["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [ids["dlq"], "Arn"]},
        "maxReceiveCount": 3,
    }
    assert resource(template, ids["dlq"])["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_keeps_messages_no_longer_than_the_idempotency_window_and_hides_them_longer_than_an_invocation_can_hold_its_lock(
    template, ids
) -> None:
    queue = resource(template, ids["queue"])["Properties"]
    fn = resource(template, ids["fn"])["Properties"]
    assert queue["MessageRetentionPeriod"] == IDEMPOTENCY_WINDOW_SECONDS
    assert fn["Timeout"] == CHARGE_TIMEOUT.to_seconds() == 20
    assert queue["VisibilityTimeout"] == fn["Timeout"] * 6


def test_encrypts_both_queues_and_denies_non_tls_access_to_each(template, ids) -> None:
    for logical in (ids["queue"], ids["dlq"]):
        assert resource(template, logical)["Properties"]["SqsManagedSseEnabled"] is True
        template.has_resource_properties(
            "AWS::SQS::QueuePolicy",
            {"Queues": [{"Ref": logical}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}},
        )


def test_runs_the_handler_on_python_3_13_on_arm64_traced_with_both_table_names(template, ids) -> None:
    fn = resource(template, ids["fn"])["Properties"]
    assert fn["Runtime"] == "python3.13"
    assert fn["Handler"] == "charge_payments.handler"
    assert fn["Architectures"] == ["arm64"]
    assert fn["TracingConfig"] == {"Mode": "Active"}
    assert fn["Environment"]["Variables"] == {
        "IDEMPOTENCY_TABLE_NAME": {"Ref": ids["records"]},
        "PAYMENTS_TABLE_NAME": {"Ref": ids["payments"]},
    }
    assert fn["LoggingConfig"]["LogFormat"] == "JSON"


def test_lets_the_function_only_get_put_update_and_delete_idempotency_records_and_only_put_charges(template, ids) -> None:
    assert "ManagedPolicyArns" not in resource(template, ids["role"])["Properties"]
    statements = role_statements(template, ids["role"])
    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in actions(s))]
    assert [(sorted(actions(s)), s["Resource"]) for s in dynamo] == [
        (sorted(IDEMPOTENCY_TABLE_ACTIONS), {"Fn::GetAtt": [ids["records"], "Arn"]}),
        (["dynamodb:PutItem"], {"Fn::GetAtt": [ids["payments"], "Arn"]}),
    ]
    assert IDEMPOTENCY_TABLE_ACTIONS == ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    sqs = [s for s in statements if any(a.startswith("sqs:") for a in actions(s))]
    assert len(sqs) == 1
    assert sqs[0]["Resource"] == {"Fn::GetAtt": [ids["queue"], "Arn"]}
    assert "sqs:SendMessage" not in actions(sqs[0])


def test_alarms_on_a_message_in_the_dlq_and_on_function_errors_notifying_one_alarm_topic(template, ids) -> None:
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 2
    for alarm in alarms:
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": ids["topic"]}]
        assert props["Threshold"] == 1
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert props["TreatMissingData"] == "notBreaching"
    watched = sorted(
        (a["Properties"]["MetricName"], a["Properties"]["Statistic"], a["Properties"]["Period"], json.dumps(a["Properties"]["Dimensions"][0]["Value"]))
        for a in alarms
    )
    assert watched == [
        ("ApproximateNumberOfMessagesVisible", "Maximum", 60, json.dumps({"Fn::GetAtt": [ids["dlq"], "QueueName"]})),
        ("Errors", "Sum", 300, json.dumps({"Ref": ids["fn"]})),
    ]


def test_keeps_the_alarm_topic_tls_only_and_subscribes_an_email_address_only_when_alarm_email_is_set(template, ids, with_email) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"Topics": [{"Ref": ids["topic"]}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}},
    )
    template.resource_properties_count_is("AWS::SNS::Subscription", {"Protocol": "email"}, 0)
    Template.from_stack(with_email).resource_properties_count_is(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}, 1
    )


def test_deletes_the_demo_tables_and_log_group_with_the_stack(template, ids) -> None:
    for logical in (ids["records"], ids["payments"], logical_id(template, "ChargePaymentsLogs", "AWS::Logs::LogGroup")):
        assert resource(template, logical)["DeletionPolicy"] == "Delete", logical


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack, with_email) -> None:
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            open_findings = [f"{v.rule_name}: {v.description}" for v in report.violations]
            assert open_findings == [], f"{pack.name} has unacknowledged findings"


def test_bundle_holds_nothing_that_names_this_machine_so_its_hash_is_the_same_everywhere() -> None:
    # pip's console scripts carry the local interpreter's path; the bundler drops them, so a clone
    # elsewhere (CI, a reader's laptop) synthesizes the very asset hash the snapshot holds.
    import sys
    from pathlib import Path

    app = app_from_cdk_json()
    IdempotentEventHandlerStack(app, "Portable")
    assets = [p for p in Path(app.synth().directory).glob("asset.*") if p.is_dir()]
    assert assets
    interpreter = sys.executable.encode()
    for asset in assets:
        assert not (asset / "bin").exists()
        for record in asset.glob("*.dist-info/RECORD"):
            assert "../../bin/" not in record.read_text(), record
        for file in asset.rglob("*"):
            assert not (file.is_file() and interpreter in file.read_bytes()), file
