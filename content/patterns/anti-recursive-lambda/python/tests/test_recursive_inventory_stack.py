import pytest
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_recursive_lambda.before_stack import RecursiveInventoryStack
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> RecursiveInventoryStack:
    return RecursiveInventoryStack(app_from_cdk_json(), "Before-Under-Test")


def test_passes_the_aws_solutions_and_serverless_packs_with_every_exception_acknowledged(stack: RecursiveInventoryStack) -> None:
    Template.from_stack(stack)
    for pack in (AwsSolutionsChecks(), ServerlessChecks()):
        report = pack.validate_scope(stack)
        assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
