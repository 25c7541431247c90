import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from api_request_validation.api_request_validation_stack import ApiRequestValidationStack
from tests.synth import synth


@pytest.fixture(scope="module")
def synthesized() -> tuple[ApiRequestValidationStack, Template]:
    return synth()


@pytest.fixture(scope="module")
def template(synthesized: tuple[ApiRequestValidationStack, Template]) -> Template:
    return synthesized[1]


def methods(template: Template) -> dict[str, Any]:
    return template.find_resources("AWS::ApiGateway::Method")


def method(template: Template, http_method: str) -> dict[str, Any]:
    found = [m for m in methods(template).values() if m["Properties"]["HttpMethod"] == http_method]
    assert len(found) == 1
    return found[0]


def gateway_response(template: Template, response_type: str) -> dict[str, Any]:
    found = list(template.find_resources("AWS::ApiGateway::GatewayResponse", {"Properties": {"ResponseType": response_type}}).values())
    assert len(found) == 1
    return found[0]["Properties"]


def test_attaches_a_validator_that_checks_body_and_parameters_to_every_method(template: Template) -> None:
    validators = template.find_resources("AWS::ApiGateway::RequestValidator")
    assert [(v["Properties"]["ValidateRequestBody"], v["Properties"]["ValidateRequestParameters"]) for v in validators.values()] == [(True, True)]
    validator_id = next(iter(validators))
    assert len(methods(template)) == 2
    assert all(m["Properties"]["RequestValidatorId"] == {"Ref": validator_id} for m in methods(template).values())


def test_validates_post_quotes_bodies_against_the_model_whatever_the_content_type(template: Template) -> None:
    model = next(iter(template.find_resources("AWS::ApiGateway::Model", {"Properties": {"Name": "QuoteRequest"}})))
    assert method(template, "POST")["Properties"]["RequestModels"] == {"application/json": {"Ref": model}, "$default": {"Ref": model}}


def test_requires_room_type_and_nights_on_get_rates(template: Template) -> None:
    assert method(template, "GET")["Properties"]["RequestParameters"] == {
        "method.request.querystring.roomType": True,
        "method.request.querystring.nights": True,
    }


def test_answers_a_rejected_body_with_a_json_400_that_stays_valid_json(template: Template) -> None:
    response = gateway_response(template, "BAD_REQUEST_BODY")
    assert response["StatusCode"] == "400"
    assert response["ResponseParameters"]["gatewayresponse.header.Content-Type"] == "'application/json'"
    body = response["ResponseTemplates"]["application/json"]
    # Templates are plain substitution, never escaped: the validator's detail quotes field names
    # (["guests"]) and would break the JSON, so it must not be in the body.
    assert "validationErrorString" not in body
    filled = body.replace("$context.error.message", "Invalid request body").replace("$context.requestId", "abc-123")
    assert json.loads(filled) == {"message": "Invalid request body", "requestId": "abc-123"}


def test_answers_a_missing_query_string_with_a_json_400_naming_it(template: Template) -> None:
    response = gateway_response(template, "BAD_REQUEST_PARAMETERS")
    assert response["StatusCode"] == "400"
    filled = (
        response["ResponseTemplates"]["application/json"]
        .replace("$context.error.message", "Missing required request parameters: [nights]")
        .replace("$context.requestId", "abc-123")
    )
    assert json.loads(filled) == {"message": "Missing required request parameters: [nights]", "requestId": "abc-123"}


def test_throttles_the_stage_and_logs_each_request_with_its_validation_error(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "v1",
            "TracingEnabled": True,
            "MethodSettings": [Match.object_like({"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 100, "ThrottlingBurstLimit": 50})],
            "AccessLogSetting": Match.object_like({"Format": Match.string_like_regexp('"validationError":"\\$context.error.validationErrorString"')}),
        },
    )


def test_lets_only_the_two_methods_of_this_api_invoke_the_function(template: Template) -> None:
    permissions = [p["Properties"] for p in template.find_resources("AWS::Lambda::Permission").values()]
    assert len(permissions) == 2
    api = next(iter(template.find_resources("AWS::ApiGateway::RestApi")))
    routes = []
    for permission in permissions:
        assert permission["Principal"] == "apigateway.amazonaws.com"
        parts = permission["SourceArn"]["Fn::Join"][1]
        assert {"Ref": api} in parts
        routes.append(parts[-1])
    assert sorted(routes) == ["/GET/rates", "/POST/quotes"]


def test_gives_the_function_a_role_that_can_write_its_own_logs_and_traces_and_nothing_else(template: Template) -> None:
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    actions = sorted(a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    template.has_resource_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})


def test_alarms_on_5xx_and_function_errors_notifying_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"]) for a in alarms) == [
        ("AWS/ApiGateway", "5XXError", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    _, with_email = synth("With-Email", alarmEmail="ops@example.com")
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(synthesized: tuple[ApiRequestValidationStack, Template]) -> None:
    with_email, _ = synth("Nag-With-Email", alarmEmail="ops@example.com")
    for scope in (synthesized[0], with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
