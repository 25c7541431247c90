import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_xray_tracer.the_xray_tracer_stack import TheXrayTracerStack


@pytest.fixture(scope="module")
def stack() -> TheXrayTracerStack:
    return TheXrayTracerStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheXrayTracerStack) -> Template:
    return Template.from_stack(stack)


def id_of(template: Template, type_: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(type_) if i.startswith(prefix)]
    assert len(ids) == 1, f"expected one {type_} named {prefix}*, found {ids}"
    return ids[0]


def data_actions(template: Template, fn: str) -> list[str]:
    """Data-plane actions in the policy of one function's role; logs and X-Ray are the same for all."""
    policy = next(
        (p for p in template.find_resources("AWS::IAM::Policy").values() if any(r["Ref"].startswith(f"{fn}Role") for r in p["Properties"]["Roles"])),
        None,
    )
    assert policy, f"no policy for {fn}"
    actions = [
        f"{a} {json.dumps(s['Resource'], separators=(',', ':'))}"
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    ]
    return [a for a in actions if not a.startswith(("logs:", "xray:"))]


def gett(logical_id: str) -> str:
    return json.dumps({"Fn::GetAtt": [logical_id, "Arn"]}, separators=(",", ":"))


def test_traces_the_api_stage(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "v1",
            "TracingEnabled": True,
            "AccessLogSetting": Match.object_like({"DestinationArn": Match.any_value()}),
            "MethodSettings": Match.array_with([Match.object_like({"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40})]),
        },
    )
    template.has_resource_properties("AWS::ApiGateway::Method", {"HttpMethod": "POST", "Integration": Match.object_like({"Type": "AWS_PROXY"})})


def test_runs_all_four_functions_with_active_tracing_and_a_powertools_service_name(template: Template) -> None:
    functions = list(template.find_resources("AWS::Lambda::Function").values())
    assert len(functions) == 4
    for f in functions:
        assert f["Properties"]["TracingConfig"] == {"Mode": "Active"}
        assert f["Properties"]["Runtime"] == "python3.13"
        assert f["Properties"]["Architectures"] == ["arm64"]
    services = sorted(f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] for f in functions)
    assert services == ["audit-writer", "currency-converter", "high-value-screen", "order-publisher"]


def test_bundles_the_handlers_with_powertools_tracer_and_the_xray_sdk(template: Template, stack: TheXrayTracerStack) -> None:
    assembly = stack.node.root.synth()  # type: ignore[attr-defined]
    [key] = {f["Properties"]["Code"]["S3Key"] for f in template.find_resources("AWS::Lambda::Function").values()}
    bundle = Path(assembly.directory) / f"asset.{key.removesuffix('.zip')}"
    names = {p.name for p in bundle.iterdir()}
    assert {"publisher.py", "audit_writer.py", "currency_converter.py", "high_value_screen.py", "order.py", "tracing.py"} <= names
    assert {"aws_lambda_powertools", "aws_xray_sdk", "wrapt", "typing_extensions.py"} <= names
    assert any(n.startswith("aws_lambda_powertools-3.37.0") for n in names)
    assert not any(p.suffix == ".pyc" for p in bundle.rglob("*.pyc"))


def test_turns_on_active_tracing_on_the_topic_and_lets_only_that_topic_write_segments(template: Template) -> None:
    topic = id_of(template, "AWS::SNS::Topic", "OrderEvents")
    template.has_resource_properties("AWS::SNS::Topic", {"TracingConfig": "Active"})
    [policy] = template.find_resources("AWS::XRay::ResourcePolicy").values()
    document = json.dumps(policy["Properties"]["PolicyDocument"], separators=(",", ":"))
    assert "sns.amazonaws.com" in document
    assert "xray:PutTraceSegments" in document
    assert "aws:SourceArn" in document
    assert json.dumps({"Ref": topic}, separators=(",", ":")) in document, "policy is not scoped to the topic"


def test_fans_out_to_the_queue_the_converter_and_filtered_the_high_value_screen_each_with_a_dlq(template: Template) -> None:
    failed = id_of(template, "AWS::SQS::Queue", "FailedDeliveries")
    subs = list(template.find_resources("AWS::SNS::Subscription").values())
    assert len(subs) == 3
    for s in subs:
        assert s["Properties"]["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [failed, "Arn"]}}
    template.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "sqs", "RawMessageDelivery": True, "Endpoint": {"Fn::GetAtt": [id_of(template, "AWS::SQS::Queue", "AuditQueue"), "Arn"]}},
    )
    template.has_resource_properties(
        "AWS::SNS::Subscription",
        {
            "Protocol": "lambda",
            "Endpoint": {"Fn::GetAtt": [id_of(template, "AWS::Lambda::Function", "CurrencyConverter"), "Arn"]},
            "FilterPolicy": Match.absent(),
        },
    )
    template.has_resource_properties(
        "AWS::SNS::Subscription",
        {
            "Protocol": "lambda",
            "Endpoint": {"Fn::GetAtt": [id_of(template, "AWS::Lambda::Function", "HighValueScreen"), "Arn"]},
            "FilterPolicy": {"total": [{"numeric": [">=", 1000]}]},
        },
    )


def test_drains_the_audit_queue_in_batches_with_partial_failures_capped_concurrency_and_a_3_strike_dlq(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": id_of(template, "AWS::Lambda::Function", "AuditWriter")},
            "BatchSize": 10,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": 5},
        },
    )
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [id_of(template, "AWS::SQS::Queue", "AuditDlq"), "Arn"]}, "maxReceiveCount": 3},
            "VisibilityTimeout": 60,
        },
    )


def test_sends_failed_async_invocations_of_both_sns_triggered_functions_to_failed_deliveries(template: Template) -> None:
    failed = id_of(template, "AWS::SQS::Queue", "FailedDeliveries")
    functions = template.find_resources("AWS::Lambda::Function")
    for fn in ("CurrencyConverter", "HighValueScreen"):
        assert functions[id_of(template, "AWS::Lambda::Function", fn)]["Properties"]["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": [failed, "Arn"]}}
        assert data_actions(template, fn) == [f"sqs:SendMessage {gett(failed)}"]


def test_gives_the_publisher_sns_publish_on_the_topic_and_the_audit_writer_put_item_on_its_table_nothing_more(template: Template) -> None:
    topic = json.dumps({"Ref": id_of(template, "AWS::SNS::Topic", "OrderEvents")}, separators=(",", ":"))
    assert data_actions(template, "OrderPublisher") == [f"sns:Publish {topic}"]
    audit = data_actions(template, "AuditWriter")
    table = gett(id_of(template, "AWS::DynamoDB::GlobalTable", "OrderAudit"))
    assert [a for a in audit if a.startswith("dynamodb:")] == [f"dynamodb:PutItem {table}"]
    assert all(a.startswith("sqs:") and "AuditQueue" in a for a in audit if not a.startswith("dynamodb:"))


def test_grants_no_kms_permission_at_all_since_the_aws_managed_sns_key_needs_none(template: Template) -> None:
    for policy in template.find_resources("AWS::IAM::Policy").values():
        for s in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
            assert [a for a in actions if a.startswith("kms:")] == []
    order_events = template.find_resources("AWS::SNS::Topic")[id_of(template, "AWS::SNS::Topic", "OrderEvents")]
    assert "alias/aws/sns" in json.dumps(order_events["Properties"]["KmsMasterKeyId"])


def test_alarms_on_both_dead_letter_queues_and_on_errors_of_every_function_fed_by_sns_or_sqs(template: Template) -> None:
    for queue in ("FailedDeliveries", "AuditDlq"):
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [id_of(template, "AWS::SQS::Queue", queue), "QueueName"]}}],
                "Statistic": "Maximum",
                "Period": 60,
                "Threshold": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "notBreaching",
            },
        )
    for fn in ("AuditWriter", "CurrencyConverter", "HighValueScreen"):
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "Errors",
                "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": id_of(template, "AWS::Lambda::Function", fn)}}],
                "Statistic": "Sum",
                "Period": 300,
                "Threshold": 1,
            },
        )


def test_sends_every_alarm_to_the_one_alarm_topic_and_mails_it_only_when_alarm_email_is_set(template: Template) -> None:
    topic = id_of(template, "AWS::SNS::Topic", "AlarmTopic")
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 5
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    assert [s for s in template.find_resources("AWS::SNS::Subscription").values() if s["Properties"]["Protocol"] == "email"] == []
    with_email = Template.from_stack(TheXrayTracerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "WithEmail"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_uses_no_aws_managed_policies(template: Template) -> None:
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheXrayTracerStack) -> None:
    # Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    with_email = TheXrayTracerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
