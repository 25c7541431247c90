import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from map_state_dynamic_parallelism.map_state_dynamic_parallelism_stack import MapStateDynamicParallelismStack
from tests.asl import definition_of
from tests.cdk_app import app_from_cdk_json

TRANSIENT_RETRY = {
    "ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
    "IntervalSeconds": 2,
    "MaxAttempts": 4,
    "BackoffRate": 2,
    "MaxDelaySeconds": 30,
    "JitterStrategy": "FULL",
}


@pytest.fixture(scope="module")
def stack() -> MapStateDynamicParallelismStack:
    return MapStateDynamicParallelismStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: MapStateDynamicParallelismStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def definition(template: Template) -> dict[str, Any]:
    return definition_of(template)


@pytest.fixture(scope="module")
def bucket(template: Template) -> str:
    return next(iter(template.find_resources("AWS::S3::Bucket")))


@pytest.fixture(scope="module")
def worker(template: Template) -> str:
    # CDK's auto-delete helper is a function too: pick the worker by its construct id.
    return next(k for k in template.find_resources("AWS::Lambda::Function") if k.startswith("OrderPricer"))


def _actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def _statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_runs_one_standard_state_machine_with_a_one_hour_timeout_tracing_and_error_logs(template: Template, definition: dict[str, Any]) -> None:
    template.resource_count_is("AWS::StepFunctions::StateMachine", 1)
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineType": "STANDARD",
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": Match.object_like({"Level": "ERROR", "IncludeExecutionData": False}),
        },
    )
    assert definition["TimeoutSeconds"] == 3600


def test_runs_the_inline_map_over_items_ten_orders_at_a_time_one_order_per_lambda_call(definition: dict[str, Any], worker: str) -> None:
    state = definition["States"]["Price inline orders"]
    assert state["Type"] == "Map"
    assert state["ItemsPath"] == "$.items"
    assert state["ItemSelector"] == {"index.$": "$$.Map.Item.Index", "order.$": "$$.Map.Item.Value"}
    assert state["MaxConcurrency"] == 10
    assert state["ItemProcessor"]["ProcessorConfig"] == {"Mode": "INLINE"}
    assert state["ItemProcessor"]["StartAt"] == "Price order"
    task = state["ItemProcessor"]["States"]["Price order"]
    assert task["Resource"] == "arn:<Ref:AWS::Partition>:states:::lambda:invoke"
    assert task["Parameters"] == {"FunctionName": f"<{worker}.Arn>", "Payload.$": "$"}
    assert task["OutputPath"] == "$.Payload"


def test_retries_only_transient_lambda_errors_and_records_any_other_failure_of_an_order_as_a_failed_result(definition: dict[str, Any]) -> None:
    states = definition["States"]["Price inline orders"]["ItemProcessor"]["States"]
    assert states["Price order"]["Retry"] == [TRANSIENT_RETRY]
    assert states["Price order"]["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Record failed order"}]
    assert states["Record failed order"]["Parameters"] == {"index.$": "$.index", "status": "FAILED", "error.$": "$.failure.Error"}
    assert states["Record failed order"]["End"] is True


def test_sorts_inline_results_into_priced_rejected_and_failed_and_counts_each(definition: dict[str, Any]) -> None:
    state = definition["States"]["Price inline orders"]
    assert state["ResultSelector"] == {
        "priced.$": "$[?(@.status == 'PRICED')]",
        "rejected.$": "$[?(@.status == 'REJECTED')]",
        "failed.$": "$[?(@.status == 'FAILED')]",
    }
    assert "ResultPath" not in state, "the orders themselves are not carried into the output"
    assert state["Next"] == "Summarise inline job"
    assert definition["States"]["Summarise inline job"]["Parameters"] == {
        "mode": "inline",
        "pricedCount.$": "States.ArrayLength($.priced)",
        "rejectedCount.$": "States.ArrayLength($.rejected)",
        "failedCount.$": "States.ArrayLength($.failed)",
        "priced.$": "$.priced",
        "rejected.$": "$.rejected",
        "failed.$": "$.failed",
    }


def test_reads_the_manifest_itself_with_a_distributed_map_of_express_children_100_orders_each_20_at_a_time(
    definition: dict[str, Any], bucket: str, worker: str
) -> None:
    state = definition["States"]["Price manifest orders"]
    assert state["ItemReader"] == {
        "Resource": "arn:<Ref:AWS::Partition>:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket": f"<Ref:{bucket}>", "Key.$": "$.manifest.key"},
    }
    assert state["ItemSelector"] == {"index.$": "$$.Map.Item.Index", "order.$": "$$.Map.Item.Value"}
    assert state["ItemBatcher"] == {"MaxItemsPerBatch": 100, "MaxInputBytesPerBatch": 131072, "BatchInput": {"manifestKey.$": "$.manifest.key"}}
    assert state["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}
    assert state["MaxConcurrency"] == 20
    assert state["Label"] == "PriceOrders"
    task = state["ItemProcessor"]["States"]["Price batch"]
    assert task["Parameters"] == {"FunctionName": f"<{worker}.Arn>", "Payload.$": "$"}
    assert task["Retry"] == [TRANSIENT_RETRY]
    assert "Catch" not in task, "a batch that still fails counts against the tolerance instead of being hidden"


def test_fails_a_manifest_job_only_when_more_than_5_percent_of_its_orders_sit_in_failed_batches(definition: dict[str, Any]) -> None:
    state = definition["States"]["Price manifest orders"]
    assert state["ToleratedFailurePercentage"] == 5
    assert "ToleratedFailureCount" not in state
    assert "Catch" not in state


def test_writes_one_json_line_per_order_under_results_and_returns_where_the_results_are(definition: dict[str, Any], bucket: str) -> None:
    state = definition["States"]["Price manifest orders"]
    assert state["ResultWriter"] == {
        "Resource": "arn:<Ref:AWS::Partition>:states:::s3:putObject",
        "Parameters": {"Bucket": f"<Ref:{bucket}>", "Prefix": "results"},
        "WriterConfig": {"OutputType": "JSONL", "Transformation": "FLATTEN"},
    }
    assert state["ResultSelector"] == {"mode": "manifest", "mapRunArn.$": "$.MapRunArn", "results.$": "$.ResultWriterDetails"}


def test_lets_the_state_machine_read_only_manifests_write_only_results_and_invoke_only_the_worker(
    template: Template, bucket: str, worker: str
) -> None:
    statements = _statements_of(template, "PricingJobRole")

    def under(prefix: str) -> dict[str, Any]:
        return {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, prefix]]}

    s3 = [(sorted(_actions(s)), s["Resource"]) for s in statements if any(a.startswith("s3:") for a in _actions(s))]
    assert s3 == [
        (["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"], under("/results/*")),
        (["s3:GetObject"], under("/manifests/*")),
    ]
    invoke = [s for s in statements if any(a.startswith("lambda:") for a in _actions(s))]
    assert invoke == [
        {
            "Action": "lambda:InvokeFunction",
            "Effect": "Allow",
            "Resource": [{"Fn::GetAtt": [worker, "Arn"]}, {"Fn::Join": ["", [{"Fn::GetAtt": [worker, "Arn"]}, ":*"]]}],
        }
    ]
    # Child executions: only this state machine's own.
    for s in statements:
        if any(a.startswith("states:") for a in _actions(s)):
            assert "PricingJob" in json.dumps(s["Resource"])


def test_gives_the_worker_no_aws_access_beyond_its_own_logs_and_traces(template: Template) -> None:
    actions = sorted(a for s in _statements_of(template, "OrderPricerRole") for a in _actions(s))
    assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_runs_the_worker_on_python_3_13_on_arm64_with_tracing_and_a_30_second_timeout(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "price_orders.handler",
            "Timeout": 30,
            "MemorySize": 256,
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
        },
    )


def test_keeps_the_bucket_private_and_tls_only_and_expires_manifests_and_results_after_30_days(template: Template) -> None:
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [
                        Match.object_like({"Prefix": "manifests/", "ExpirationInDays": 30, "Status": "Enabled"}),
                        Match.object_like({"Prefix": "results/", "ExpirationInDays": 30, "Status": "Enabled"}),
                        Match.object_like({"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}),
                    ]
                )
            },
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with([Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])
            }
        },
    )


def test_alarms_on_failed_and_timed_out_jobs_and_on_worker_errors_notifying_one_alarm_topic(template: Template, worker: str) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"]) for a in alarms) == [
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/States", "ExecutionsFailed", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/States", "ExecutionsTimedOut", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    lambda_alarm = next(a for a in alarms if a["Namespace"] == "AWS/Lambda")
    assert lambda_alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": worker}}]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(MapStateDynamicParallelismStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: MapStateDynamicParallelismStack) -> None:
    with_email = MapStateDynamicParallelismStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            assert [f"{v.rule_name}: {v.description}" for v in pack.validate_scope(scope).violations] == []
