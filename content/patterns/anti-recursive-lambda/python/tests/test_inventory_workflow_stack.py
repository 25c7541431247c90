from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_recursive_lambda.anti_recursive_lambda_stack import LAMBDA_TRANSIENT_ERRORS, MAX_PAGES, InventoryWorkflowStack
from tests.asl import definition_of
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> InventoryWorkflowStack:
    return InventoryWorkflowStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: InventoryWorkflowStack) -> Template:
    return Template.from_stack(stack)


def definition(template: Template) -> dict[str, Any]:
    return definition_of(next(iter(template.find_resources("AWS::StepFunctions::StateMachine").values())))


def test_loops_over_the_pages_with_a_choice_that_follows_the_cursor_and_stops_at_the_page_cap(template: Template) -> None:
    asl = definition(template)
    assert asl["StartAt"] == "Count page"
    states = asl["States"]
    assert states["Count page"]["Next"] == "More pages?"
    assert states["More pages?"]["Choices"] == [
        {"Condition": f"{{% $exists($states.input.cursor) and $states.input.totals.pages >= {MAX_PAGES} %}}", "Next": "Too many pages"},
        {"Condition": "{% $exists($states.input.cursor) %}", "Next": "Count page"},
    ]
    assert states["More pages?"]["Default"] == "Inventory done"
    assert states["Too many pages"]["Type"] == "Fail"
    assert states["Too many pages"]["Error"] == "TooManyPages"


def test_keeps_every_execution_inside_the_25000_event_history_of_a_standard_workflow(template: Template) -> None:
    # About seven history events per page (five for the Lambda task, two for the Choice).
    assert MAX_PAGES * 7 < 25_000 * 0.6
    template.has_resource_properties("AWS::StepFunctions::StateMachine", {"StateMachineType": "STANDARD"})


def test_retries_transient_lambda_errors_up_to_three_times_and_nothing_else(template: Template) -> None:
    task = definition(template)["States"]["Count page"]
    assert task["Retry"] == [{"ErrorEquals": LAMBDA_TRANSIENT_ERRORS, "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"}]
    assert task["TimeoutSeconds"] == 60


def test_lets_the_function_list_the_archive_and_nothing_more(template: Template) -> None:
    role_id = next(i for i in template.find_resources("AWS::IAM::Role") if i.startswith("CountPageRole"))
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if role_id in str(p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = sorted(a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "s3:ListBucket", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    bucket = next(iter(template.find_resources("AWS::S3::Bucket")))
    assert next(s for s in statements if s["Action"] == "s3:ListBucket")["Resource"] == {"Fn::GetAtt": [bucket, "Arn"]}


def test_keeps_lambdas_recursive_loop_detection_on_the_function(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function", {"Runtime": "python3.13", "Architectures": ["arm64"], "Handler": "count_page.handler", "RecursiveLoop": "Terminate"}
    )
    template.resource_count_is("AWS::SQS::Queue", 0)
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 0)


def test_runs_each_inventory_for_at_most_two_hours_traced_and_logged(template: Template) -> None:
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {"TracingConfiguration": {"Enabled": True}, "LoggingConfiguration": Match.object_like({"Level": "ALL", "IncludeExecutionData": False})},
    )
    assert definition(template)["TimeoutSeconds"] == 7200


def test_alarms_on_failed_and_timed_out_inventories_notifying_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"]) for a in alarms) == [
        ("AWS/States", "ExecutionsFailed", "Sum", 300, 1),
        ("AWS/States", "ExecutionsTimedOut", "Sum", 300, 1),
    ]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    with_email = Template.from_stack(InventoryWorkflowStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_packs_with_every_exception_acknowledged(stack: InventoryWorkflowStack) -> None:
    with_email = InventoryWorkflowStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    scope: Stack
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
