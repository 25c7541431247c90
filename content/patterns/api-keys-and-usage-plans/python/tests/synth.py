"""The stack as `cdk deploy` would synthesize it."""

from typing import Any

from aws_cdk.assertions import Template

from api_keys_and_usage_plans.api_keys_and_usage_plans_stack import ApiKeysAndUsagePlansStack
from tests.cdk_app import app_from_cdk_json


def synth(construct_id: str = "Under-Test", **context: Any) -> tuple[ApiKeysAndUsagePlansStack, Template]:
    stack = ApiKeysAndUsagePlansStack(app_from_cdk_json(**context), construct_id)
    return stack, Template.from_stack(stack)
