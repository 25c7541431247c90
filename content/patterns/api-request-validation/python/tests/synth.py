"""The stack as `cdk deploy` would synthesize it, and the model schema API Gateway validates against."""

from typing import Any

from aws_cdk.assertions import Template

from api_request_validation.api_request_validation_stack import ApiRequestValidationStack
from tests.cdk_app import app_from_cdk_json


def synth(construct_id: str = "Under-Test", **context: Any) -> tuple[ApiRequestValidationStack, Template]:
    stack = ApiRequestValidationStack(app_from_cdk_json(**context), construct_id)
    return stack, Template.from_stack(stack)


def quote_request_schema_from_template(template: Template) -> dict[str, Any]:
    models = list(template.find_resources("AWS::ApiGateway::Model").values())
    assert len(models) == 1, f"expected one model, found {len(models)}"
    return models[0]["Properties"]["Schema"]
