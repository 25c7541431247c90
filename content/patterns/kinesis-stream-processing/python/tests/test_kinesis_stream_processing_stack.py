import re
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from kinesis_stream_processing.kinesis_stream_processing_stack import KinesisStreamProcessingStack
from kinesis_stream_processing.settings import RETRY_ATTEMPTS

from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> KinesisStreamProcessingStack:
    return KinesisStreamProcessingStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: Stack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, type_: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(type_) if i.startswith(prefix)]
    assert len(ids) == 1, f"{type_} {prefix}"
    return ids[0]


def statements_of_role(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def mapping_of(template: Template, fn_prefix: str) -> dict[str, Any]:
    return next(
        m["Properties"] for m in template.find_resources("AWS::Lambda::EventSourceMapping").values() if m["Properties"]["FunctionName"]["Ref"].startswith(fn_prefix)
    )


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def test_keeps_one_provisioned_shard_for_24_hours_encrypted_with_the_aws_managed_key(template: Template) -> None:
    template.resource_count_is("AWS::Kinesis::Stream", 1)
    template.has_resource(
        "AWS::Kinesis::Stream",
        {
            "Properties": {
                "ShardCount": 1,
                "StreamModeDetails": {"StreamMode": "PROVISIONED"},
                "RetentionPeriodHours": 24,
                "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
                "Name": Match.absent(),
            },
            "DeletionPolicy": "Delete",
        },
    )


def test_feeds_the_processor_in_batches_with_bisect_partial_batch_responses_bounded_retries_and_a_failure_queue(template: Template) -> None:
    assert mapping_of(template, "ReadingProcessor") == {
        "EventSourceArn": {"Fn::GetAtt": [logical_id(template, "AWS::Kinesis::Stream", "Readings"), "Arn"]},
        "FunctionName": {"Ref": logical_id(template, "AWS::Lambda::Function", "ReadingProcessor")},
        "StartingPosition": "TRIM_HORIZON",
        "BatchSize": 100,
        "MaximumBatchingWindowInSeconds": 5,
        "ParallelizationFactor": 1,
        "BisectBatchOnFunctionError": True,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "MaximumRetryAttempts": 3,
        "MaximumRecordAgeInSeconds": 3600,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [logical_id(template, "AWS::SQS::Queue", "FailedBatches"), "Arn"]}}},
    }
    assert RETRY_ATTEMPTS == 3


def test_feeds_the_aggregator_through_a_60_second_tumbling_window_with_the_same_retry_limits_and_failure_queue(template: Template) -> None:
    assert mapping_of(template, "WindowAggregator") == {
        "EventSourceArn": {"Fn::GetAtt": [logical_id(template, "AWS::Kinesis::Stream", "Readings"), "Arn"]},
        "FunctionName": {"Ref": logical_id(template, "AWS::Lambda::Function", "WindowAggregator")},
        "StartingPosition": "TRIM_HORIZON",
        "BatchSize": 100,
        "MaximumBatchingWindowInSeconds": 5,
        "ParallelizationFactor": 1,
        "TumblingWindowInSeconds": 60,
        "MaximumRetryAttempts": 3,
        "MaximumRecordAgeInSeconds": 3600,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [logical_id(template, "AWS::SQS::Queue", "FailedBatches"), "Arn"]}}},
    }


def test_keys_the_latest_readings_by_device_and_the_totals_by_device_and_event_time_minute(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable", {"KeySchema": [{"AttributeName": "deviceId", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}
    )
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "deviceId", "KeyType": "HASH"}, {"AttributeName": "minute", "KeyType": "RANGE"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "FunctionName": Match.absent(),
            "Environment": {"Variables": {"LATEST_READINGS_TABLE": {"Ref": logical_id(template, "AWS::DynamoDB::GlobalTable", "LatestReadings")}}},
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Environment": {"Variables": {"WINDOW_TOTALS_TABLE": {"Ref": logical_id(template, "AWS::DynamoDB::GlobalTable", "WindowTotals")}}}},
    )


def test_lets_each_function_update_only_its_own_table_and_read_only_the_stream(template: Template) -> None:
    stream = {"Fn::GetAtt": [logical_id(template, "AWS::Kinesis::Stream", "Readings"), "Arn"]}
    queue = {"Fn::GetAtt": [logical_id(template, "AWS::SQS::Queue", "FailedBatches"), "Arn"]}
    for role, table in (("ReadingProcessorRole", "LatestReadings"), ("WindowAggregatorRole", "WindowTotals")):
        statements = statements_of_role(template, role)

        def by_service(prefix: str, statements: list[dict[str, Any]] = statements) -> list[dict[str, Any]]:
            return [s for s in statements if any(a.startswith(prefix) for a in actions(s))]

        assert [(s["Action"], s["Resource"]) for s in by_service("dynamodb:")] == [
            ("dynamodb:UpdateItem", {"Fn::GetAtt": [logical_id(template, "AWS::DynamoDB::GlobalTable", table), "Arn"]})
        ]
        kinesis = by_service("kinesis:")
        assert all(re.match(r"^kinesis:(Describe|Get|List|SubscribeToShard)", a) for s in kinesis for a in actions(s)), role
        assert all(s["Resource"] == stream for s in kinesis)
        assert [s["Resource"] for s in by_service("sqs:")] == [queue]
        assert not any(a.endswith("*") for s in statements for a in actions(s)), f"{role} has a wildcard action"
        assert sorted({a.split(":")[0] for s in statements for a in actions(s)}) == ["dynamodb", "kinesis", "logs", "sqs", "xray"]
    template.all_resources_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})


def test_runs_both_consumers_on_python_3_13_and_arm64_with_json_logs_kept_a_month(template: Template) -> None:
    fns = list(template.find_resources("AWS::Lambda::Function").values())
    assert len(fns) == 2
    for fn in fns:
        assert fn["Properties"]["Runtime"] == "python3.13"
        assert fn["Properties"]["Architectures"] == ["arm64"]
        assert fn["Properties"]["LoggingConfig"]["LogFormat"] == "JSON"
    template.resource_properties_count_is("AWS::Logs::LogGroup", {"RetentionInDays": 30}, 2)


def test_bundles_powertools_into_one_asset_whose_hash_is_the_same_on_every_synth(template: Template) -> None:
    def code_keys(t: Template) -> set[str]:
        return {fn["Properties"]["Code"]["S3Key"] for fn in t.find_resources("AWS::Lambda::Function").values()}

    first = code_keys(template)
    again = code_keys(Template.from_stack(KinesisStreamProcessingStack(app_from_cdk_json(), "Again")))
    assert len(first) == 1
    assert first == again


def test_alarms_on_a_failure_pointer_on_errors_and_on_a_10_minute_iterator_age_of_each_consumer_notifying_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]

    def target(a: dict[str, Any]) -> str:
        value = a["Dimensions"][0]["Value"]
        return re.sub(r"[0-9A-F]{8}$", "", value.get("Ref") or value["Fn::GetAtt"][0])

    assert sorted(
        (a["MetricName"], target(a), a["Statistic"], a["Period"], a["EvaluationPeriods"], a["Threshold"], a["TreatMissingData"]) for a in alarms
    ) == [
        ("ApproximateNumberOfMessagesVisible", "FailedBatches", "Maximum", 60, 1, 1, "notBreaching"),
        ("Errors", "ReadingProcessorFunction", "Sum", 300, 1, 1, "notBreaching"),
        ("Errors", "WindowAggregatorFunction", "Sum", 300, 1, 1, "notBreaching"),
        ("IteratorAge", "ReadingProcessorFunction", "Maximum", 60, 5, 600000, "notBreaching"),
        ("IteratorAge", "WindowAggregatorFunction", "Maximum", 60, 5, 600000, "notBreaching"),
    ]
    for alarm in alarms:
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(KinesisStreamProcessingStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: Stack) -> None:
    with_email = KinesisStreamProcessingStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"


def test_bundle_holds_nothing_that_names_this_machine_so_its_hash_is_the_same_everywhere() -> None:
    # pip's console scripts carry the local interpreter's path; the bundler drops them, so a clone
    # elsewhere (CI, a reader's laptop) synthesizes the very asset hash the snapshot holds.
    import sys
    from pathlib import Path

    app = app_from_cdk_json()
    KinesisStreamProcessingStack(app, "Portable")
    assets = [p for p in Path(app.synth().directory).glob("asset.*") if p.is_dir()]
    assert assets
    interpreter = sys.executable.encode()
    for asset in assets:
        assert not (asset / "bin").exists()
        for record in asset.glob("*.dist-info/RECORD"):
            assert "../../bin/" not in record.read_text(), record
        for file in asset.rglob("*"):
            assert not (file.is_file() and interpreter in file.read_bytes()), file
