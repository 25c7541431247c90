import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from s3_event_processing.bundling import POWERTOOLS_PACKAGES
from s3_event_processing.large_file_workflow import LABEL
from s3_event_processing.s3_event_processing_stack import SMALL_FILE_LIMIT_BYTES, S3EventProcessingStack
from tests.cdk_app import app_from_cdk_json
from tests.event_pattern import matches


@pytest.fixture(scope="module")
def stack() -> S3EventProcessingStack:
    return S3EventProcessingStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: S3EventProcessingStack) -> Template:
    return Template.from_stack(stack)


def id_of(template: Template, resource_type: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    assert len(ids) == 1, f"one {resource_type} named {prefix}*"
    return ids[0]


def bare(logical_id: str) -> str:
    return re.sub(r"[A-F0-9]{8}$", "", logical_id)


def statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    role = id_of(template, "AWS::IAM::Role", role_prefix)
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_on(statements: list[dict[str, Any]], service: str) -> list[dict[str, Any]]:
    return [s for s in statements if any(a.startswith(f"{service}:") for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))]


def definition(template: Template) -> dict[str, Any]:
    [machine] = template.find_resources("AWS::StepFunctions::StateMachine").values()
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    return json.loads("".join(p if isinstance(p, str) else json.dumps(p).replace('"', "'") for p in parts))


def test_routes_each_csv_upload_by_its_size_to_exactly_one_of_the_two_rules(template: Template) -> None:
    bucket = {"Ref": id_of(template, "AWS::S3::Bucket", "Uploads")}
    rules = template.find_resources("AWS::Events::Rule")

    def rule_for(size: int, key: str = "incoming/sales.csv", bucket_name: Any = bucket) -> list[str]:
        event = {"source": "aws.s3", "detail-type": "Object Created", "detail": {"bucket": {"name": bucket_name}, "object": {"key": key, "size": size, "sequencer": "01"}}}
        return [bare(i) for i, r in rules.items() if matches(r["Properties"]["EventPattern"], event)]

    assert rule_for(0) == ["SmallFileRule"]
    assert rule_for(SMALL_FILE_LIMIT_BYTES - 1) == ["SmallFileRule"]
    assert rule_for(SMALL_FILE_LIMIT_BYTES) == ["LargeFileRule"]
    assert rule_for(4 * 1024**3) == ["LargeFileRule"]
    assert rule_for(100, "incoming/nested/day-1.csv") == ["SmallFileRule"]
    # Not an upload this app processes: wrong suffix, outside the prefix, its own Map Run results, another bucket.
    assert rule_for(100, "incoming/photo.jpg") == []
    assert rule_for(100, "elsewhere/sales.csv") == []
    assert rule_for(SMALL_FILE_LIMIT_BYTES, "map-results/abc/manifest.json") == []
    assert rule_for(100, "incoming/sales.csv", "another-bucket") == []
    # CDK switches the bucket's EventBridge delivery on with its notifications custom resource.
    template.has_resource_properties("Custom::S3BucketNotifications", {"BucketName": bucket, "NotificationConfiguration": {"EventBridgeConfiguration": {}}})


def test_retries_delivery_for_two_hours_and_parks_undeliverable_events_in_a_queue_per_route(template: Template) -> None:
    small = id_of(template, "AWS::SQS::Queue", "SmallFileFailures")
    large = id_of(template, "AWS::SQS::Queue", "LargeFileFailures")
    by_rule = {bare(i): r["Properties"]["Targets"] for i, r in template.find_resources("AWS::Events::Rule").items()}
    for rule_id, [target] in by_rule.items():
        assert target["RetryPolicy"] == {"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 7200}, rule_id
    assert by_rule["SmallFileRule"][0]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [small, "Arn"]}}
    assert by_rule["SmallFileRule"][0]["Arn"] == {"Fn::GetAtt": [id_of(template, "AWS::Lambda::Function", "SmallFileProcessor"), "Arn"]}
    assert by_rule["LargeFileRule"][0]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [large, "Arn"]}}
    assert by_rule["LargeFileRule"][0]["Arn"] == {"Ref": id_of(template, "AWS::StepFunctions::StateMachine", "LargeFileWorkflow")}
    # A small file the function fails on three times goes to the same queue, with its error.
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600, "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [small, "Arn"]}}}},
    )


def test_splits_a_large_file_with_a_bounded_batched_distributed_map_that_reads_the_object_itself(template: Template) -> None:
    process_rows = definition(template)["States"]["Process rows"]
    assert process_rows["Type"] == "Map"
    assert process_rows["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}
    assert process_rows["ItemReader"]["ReaderConfig"] == {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}
    assert process_rows["ItemReader"]["Arguments"]["Key"] == "{% $states.input.key %}"
    assert process_rows["ItemBatcher"] == {
        "MaxItemsPerBatch": 500,
        "MaxInputBytesPerBatch": 131072,
        "BatchInput": {"uploadId": "{% $states.input.uploadId %}", "objectKey": "{% $states.input.key %}"},
    }
    assert process_rows["MaxConcurrency"] == 5
    assert process_rows["ToleratedFailurePercentage"] == 5
    assert process_rows["Label"] == LABEL
    assert process_rows["ResultWriter"]["Arguments"]["Prefix"] == "map-results"
    assert process_rows["ResultWriter"]["WriterConfig"] == {"OutputType": "JSONL", "Transformation": "COMPACT"}
    # The results are an audit trail, not data to keep: they expire after 30 days.
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {"LifecycleConfiguration": {"Rules": Match.array_with([Match.object_like({"Prefix": "map-results/", "ExpirationInDays": 30, "Status": "Enabled"})])}},
    )
    assert process_rows["ItemProcessor"]["States"]["Process batch"]["Retry"] == [
        {
            "ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "States.TaskFailed"],
            "IntervalSeconds": 2,
            "MaxAttempts": 3,
            "BackoffRate": 2,
            "JitterStrategy": "FULL",
        }
    ]


def test_claims_each_upload_once_so_a_redelivered_event_stops_before_the_map(template: Template) -> None:
    asl = definition(template)
    states = asl["States"]
    assert asl["StartAt"] == "Claim upload"
    claim = states["Claim upload"]
    assert claim["Arguments"]["ConditionExpression"] == "attribute_not_exists(uploadId)"
    assert claim["Arguments"]["Item"]["uploadId"]["S"] == (
        "{% $states.input.detail.bucket.name & '/' & $states.input.detail.object.key & '@' & $states.input.detail.object.sequencer %}"
    )
    # The map reads the key S3 URL-encoded in the event, decoded (a space arrives as '+').
    decoded_key = "$decodeUrlComponent($replace($states.input.detail.object.key, '+', ' '))"
    assert f'"key": {decoded_key}' in claim["Output"], claim["Output"]
    assert claim["Arguments"]["Item"]["objectKey"]["S"] == f"{{% {decoded_key} %}}"
    assert claim["Catch"] == [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "Next": "Already processed"}]
    assert states["Already processed"]["Type"] == "Succeed"
    assert claim["Next"] == "Process rows"
    assert states["Process rows"]["Next"] == "Mark complete"
    assert "SET #status = :complete" in states["Mark complete"]["Arguments"]["UpdateExpression"]
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {"TracingConfiguration": {"Enabled": True}, "LoggingConfiguration": Match.object_like({"Level": "ERROR", "IncludeExecutionData": False})},
    )


def test_lets_each_role_touch_only_its_own_prefix_tables_and_function(template: Template) -> None:
    bucket = id_of(template, "AWS::S3::Bucket", "Uploads")
    totals_id = id_of(template, "AWS::DynamoDB::GlobalTable", "UploadTotals")
    totals = {"Fn::GetAtt": [totals_id, "Arn"]}
    idempotency = {"Fn::GetAtt": [id_of(template, "AWS::DynamoDB::GlobalTable", "IdempotencyRecords"), "Arn"]}

    def under(prefix: str) -> dict[str, Any]:
        return {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, f"/{prefix}*"]]}

    idempotency_actions = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    pairs = lambda statements: sorted(json.dumps([s["Action"], s["Resource"]], sort_keys=True) for s in statements)  # noqa: E731

    small = statements_of(template, "SmallFileProcessorRole")
    assert [(s["Action"], s["Resource"]) for s in actions_on(small, "s3")] == [("s3:GetObject", under("incoming/"))]
    assert pairs(actions_on(small, "dynamodb")) == pairs([{"Action": idempotency_actions, "Resource": idempotency}, {"Action": "dynamodb:UpdateItem", "Resource": totals}])

    batch = statements_of(template, "BatchProcessorRole")
    assert actions_on(batch, "s3") == [], "the batch processor never reads S3: the map hands it the rows"
    assert pairs(actions_on(batch, "dynamodb")) == pairs([{"Action": idempotency_actions, "Resource": idempotency}, {"Action": "dynamodb:UpdateItem", "Resource": totals}])

    workflow = statements_of(template, "LargeFileWorkflowRole")
    assert pairs(actions_on(workflow, "s3")) == pairs(
        [
            {"Action": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"], "Resource": under("map-results/")},
            {"Action": "s3:GetObject", "Resource": under("incoming/")},
        ]
    )
    # The DynamoDB tasks name the table by its ARN built from the table name.
    totals_by_name = {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":dynamodb:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":table/", {"Ref": totals_id}]]
    }
    assert [(sorted(s["Action"]), s["Resource"]) for s in actions_on(workflow, "dynamodb")] == [(["dynamodb:PutItem", "dynamodb:UpdateItem"], totals_by_name)]
    fn = id_of(template, "AWS::Lambda::Function", "BatchProcessor")
    assert [s["Resource"] for s in actions_on(workflow, "lambda")] == [[{"Fn::GetAtt": [fn, "Arn"]}, {"Fn::Join": ["", [{"Fn::GetAtt": [fn, "Arn"]}, ":*"]]}]]


def test_remembers_processed_uploads_and_batches_in_a_table_that_expires_them(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True}},
    )
    idempotency = id_of(template, "AWS::DynamoDB::GlobalTable", "IdempotencyRecords")
    functions = template.find_resources("AWS::Lambda::Function")
    for fn in ("SmallFileProcessor", "BatchProcessor"):
        env = functions[id_of(template, "AWS::Lambda::Function", fn)]["Properties"]["Environment"]["Variables"]
        assert env["IDEMPOTENCY_TABLE_NAME"] == {"Ref": idempotency}, fn


def test_alarms_on_both_failure_queues_processor_errors_failed_or_timed_out_runs_and_failed_batches(template: Template) -> None:
    topic = id_of(template, "AWS::SNS::Topic", "AlarmTopic")
    alarms = {bare(i): a["Properties"] for i, a in template.find_resources("AWS::CloudWatch::Alarm").items()}
    assert sorted(alarms) == [
        "BatchFailuresAlarm",
        "LargeFileFailuresAlarm",
        "LargeFileWorkflowFailedAlarm",
        "LargeFileWorkflowTimedOutAlarm",
        "SmallFileFailuresAlarm",
        "SmallFileProcessorErrorsAlarm",
    ]
    for alarm_id, a in alarms.items():
        assert a["AlarmActions"] == [{"Ref": topic}], alarm_id
        assert a["Threshold"] == 1, alarm_id
        assert a["ComparisonOperator"] == "GreaterThanOrEqualToThreshold", alarm_id
    assert alarms["SmallFileFailuresAlarm"]["MetricName"] == alarms["LargeFileFailuresAlarm"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarms["SmallFileProcessorErrorsAlarm"]["MetricName"] == "Errors"
    assert alarms["LargeFileWorkflowFailedAlarm"]["MetricName"] == "ExecutionsFailed"
    assert alarms["LargeFileWorkflowTimedOutAlarm"]["MetricName"] == "ExecutionsTimedOut"
    machine = id_of(template, "AWS::StepFunctions::StateMachine", "LargeFileWorkflow")
    assert alarms["BatchFailuresAlarm"]["MetricName"] == "ExecutionsFailed"
    assert alarms["BatchFailuresAlarm"]["Dimensions"] == [{"Name": "StateMachineArn", "Value": {"Fn::Join": ["", [{"Ref": machine}, "/batches"]]}}]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(S3EventProcessingStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_runs_both_processors_on_python_3_13_on_arm64_with_tracing_and_their_own_log_groups(template: Template) -> None:
    functions = template.find_resources("AWS::Lambda::Function")
    for fn, handler in (("SmallFileProcessor", "small_file_processor.handler"), ("BatchProcessor", "batch_processor.handler")):
        props = functions[id_of(template, "AWS::Lambda::Function", fn)]["Properties"]
        assert props["Runtime"] == "python3.13", fn
        assert props["Handler"] == handler, fn
        assert props["Architectures"] == ["arm64"], fn
        assert props["TracingConfig"] == {"Mode": "Active"}, fn
        assert props["LoggingConfig"]["LogGroup"] == {"Ref": id_of(template, "AWS::Logs::LogGroup", f"{fn}Logs")}, fn


def processor_asset(stack: S3EventProcessingStack) -> tuple[str, Path]:
    assembly = stack.node.root.synth()  # type: ignore[attr-defined]
    template = assembly.get_stack_artifact(stack.artifact_id).template
    keys = {r["Properties"]["Code"]["S3Key"] for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("Handler") in ("small_file_processor.handler", "batch_processor.handler")}
    [key] = keys
    asset_hash = key.removesuffix(".zip")
    return asset_hash, Path(assembly.directory) / f"asset.{asset_hash}"


def test_bundles_pinned_powertools_with_the_handlers_and_the_same_asset_hash_on_every_synth(stack: S3EventProcessingStack) -> None:
    first_hash, folder = processor_asset(stack)
    assert {p.name for p in folder.glob("*.py")} >= {"sales.py", "idempotency.py", "small_file_processor.py", "batch_processor.py", "typing_extensions.py"}
    version = POWERTOOLS_PACKAGES[0].split("==")[1]
    assert (folder / "aws_lambda_powertools" / "utilities" / "idempotency" / "persistence" / "dynamodb.py").is_file()
    assert (folder / f"aws_lambda_powertools-{version}.dist-info").is_dir()
    assert not list(folder.rglob("*.pyc")), "no bytecode compiled on this machine"
    second_hash, _ = processor_asset(S3EventProcessingStack(app_from_cdk_json(), "Under-Test"))
    assert second_hash == first_hash


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: S3EventProcessingStack) -> None:
    with_email = S3EventProcessingStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
