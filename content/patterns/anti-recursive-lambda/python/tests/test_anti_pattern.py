"""The facts the RecursiveLambda rule reads from a template: the before stack has them, the fix does not.

The rule itself is TypeScript (the cdk-nag-serverless-anti-patterns pack); the catalog runs it over
these templates. Here the same facts are checked on the Python app's templates.
"""

from typing import Any

import pytest
from aws_cdk.assertions import Template

from anti_recursive_lambda.anti_recursive_lambda_stack import InventoryWorkflowStack
from anti_recursive_lambda.before_stack import RecursiveInventoryStack
from tests.cdk_app import app_from_cdk_json


def statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    role_id = next(i for i in template.find_resources("AWS::IAM::Role") if i.startswith(role_prefix))
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if role_id in str(p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_of(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


@pytest.fixture(scope="module")
def before() -> Template:
    return Template.from_stack(RecursiveInventoryStack(app_from_cdk_json(), "RecursiveInventoryStack"))


@pytest.fixture(scope="module")
def after() -> Template:
    return Template.from_stack(InventoryWorkflowStack(app_from_cdk_json(), "InventoryWorkflowStack"))


def test_before_function_may_send_to_the_queue_that_invokes_it_with_loop_detection_off(before: Template) -> None:
    queue = next(i for i in before.find_resources("AWS::SQS::Queue") if i.startswith("Pages") and not i.startswith("PagesDlq"))
    function = next(iter(before.find_resources("AWS::Lambda::Function", {"Properties": {"Handler": "count_and_requeue.handler"}})))
    before.has_resource_properties(
        "AWS::Lambda::EventSourceMapping", {"EventSourceArn": {"Fn::GetAtt": [queue, "Arn"]}, "FunctionName": {"Ref": function}, "BatchSize": 1}
    )
    before.has_resource_properties("AWS::Lambda::Function", {"RecursiveLoop": "Allow"})
    sends = [s["Resource"] for s in statements_of(before, "CountPageRole") if "sqs:SendMessage" in actions_of(s)]
    assert sends == [{"Fn::GetAtt": [queue, "Arn"]}]


def test_after_function_has_no_trigger_it_can_write_to_and_keeps_loop_detection_on(after: Template) -> None:
    after.resource_count_is("AWS::Lambda::EventSourceMapping", 0)
    assert after.find_resources("AWS::S3::Bucket", {"Properties": {"NotificationConfiguration": {}}}) == {}
    after.resource_count_is("Custom::S3BucketNotifications", 0)
    after.has_resource_properties("AWS::Lambda::Function", {"Handler": "count_page.handler", "RecursiveLoop": "Terminate"})
    actions = {a for s in statements_of(after, "CountPageRole") for a in actions_of(s)}
    assert not any(a.startswith(("sqs:", "sns:", "lambda:", "kinesis:")) or a.startswith("s3:Put") for a in actions)
