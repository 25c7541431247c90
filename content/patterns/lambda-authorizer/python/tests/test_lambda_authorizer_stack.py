import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from bearer_token import BEARER_TOKEN_PATTERN
from lambda_authorizer.lambda_authorizer_stack import LambdaAuthorizerStack
from tests.cdk_app import app_from_cdk_json

AUTH0 = {
    "jwtIssuer": "https://example-tenant.eu.auth0.com/",
    "jwtAudience": "https://orders.example.com",
    "jwksUri": "https://example-tenant.eu.auth0.com/.well-known/jwks.json",
}


@pytest.fixture(scope="module")
def stack() -> LambdaAuthorizerStack:
    return LambdaAuthorizerStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: LambdaAuthorizerStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, resource_type: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    assert len(ids) == 1, f"one {resource_type} named {prefix}"
    return ids[0]


def properties(template: Template, resource_type: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template.find_resources(resource_type).values()]


def test_puts_every_method_of_the_api_behind_the_jwt_token_authorizer(template: Template) -> None:
    methods = properties(template, "AWS::ApiGateway::Method")
    assert methods
    authorizer = logical_id(template, "AWS::ApiGateway::Authorizer", "JwtTokenAuthorizer")
    for method in methods:
        assert method["AuthorizationType"] == "CUSTOM", f"{method['HttpMethod']} must not be open"
        assert method["AuthorizerId"] == {"Ref": authorizer}


def test_reads_the_token_from_the_authorization_header_and_caches_each_decision_for_five_minutes(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Authorizer",
        {
            "Type": "TOKEN",
            "IdentitySource": "method.request.header.Authorization",
            "AuthorizerResultTtlInSeconds": 300,
            "IdentityValidationExpression": BEARER_TOKEN_PATTERN,
            "AuthorizerUri": Match.any_value(),
        },
    )


def test_lets_api_gateway_refuse_headers_that_are_not_a_signed_bearer_jwt_before_invoking_the_function(template: Template) -> None:
    [authorizer] = properties(template, "AWS::ApiGateway::Authorizer")
    pattern = re.compile(authorizer["IdentityValidationExpression"])
    assert pattern.search("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl")
    for header in ["", "Basic dXNlcjpwYXNz", "Bearer", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.", "bearer a.b.c", "Bearer a.b.c d"]:
        assert not pattern.search(header), header


def test_gives_the_authorizer_the_issuer_audience_and_key_set_from_context(template: Template) -> None:
    configured = Template.from_stack(LambdaAuthorizerStack(app_from_cdk_json(**AUTH0), "Configured"))
    configured.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {"JWT_ISSUER": AUTH0["jwtIssuer"], "JWT_AUDIENCE": AUTH0["jwtAudience"], "JWKS_URI": AUTH0["jwksUri"]}
                )
            }
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "JWT_ISSUER": "https://idp.example.com/",
                        "JWT_AUDIENCE": "https://api.example.com",
                        "JWKS_URI": "https://idp.example.com/.well-known/jwks.json",
                    }
                )
            }
        },
    )


def test_refuses_to_synthesize_a_key_set_url_that_is_not_https() -> None:
    with pytest.raises(ValueError, match="jwksUri must be an https:// URL"):
        LambdaAuthorizerStack(app_from_cdk_json(**{**AUTH0, "jwksUri": "http://example-tenant.eu.auth0.com/.well-known/jwks.json"}), "Plain")
    with pytest.raises(ValueError, match="jwtAudience"):
        LambdaAuthorizerStack(app_from_cdk_json(**{**AUTH0, "jwtAudience": ""}), "Empty")


def test_lets_only_this_api_invoke_each_function(template: Template) -> None:
    permissions = properties(template, "AWS::Lambda::Permission")
    assert len(permissions) == 2
    api = logical_id(template, "AWS::ApiGateway::RestApi", "Api")
    authorizer = logical_id(template, "AWS::ApiGateway::Authorizer", "JwtTokenAuthorizer")
    by_function = {p["FunctionName"]["Fn::GetAtt"][0]: p for p in permissions}
    for p in permissions:
        assert p["Principal"] == "apigateway.amazonaws.com"
    authorizer_permission = by_function[logical_id(template, "AWS::Lambda::Function", "JwtAuthorizer")]
    assert authorizer_permission["SourceArn"]["Fn::Join"][1][-3:] == [{"Ref": api}, "/authorizers/", {"Ref": authorizer}]
    backend_permission = by_function[logical_id(template, "AWS::Lambda::Function", "WhoAmI")]
    stage = logical_id(template, "AWS::ApiGateway::Stage", "ApiDeploymentStagev1")
    assert backend_permission["SourceArn"]["Fn::Join"][1][-4:] == [{"Ref": api}, "/", {"Ref": stage}, "/GET/me"]


def test_gives_both_functions_roles_that_can_only_write_their_own_logs_and_traces(template: Template) -> None:
    template.resource_properties_count_is("AWS::IAM::Role", {"ManagedPolicyArns": Match.any_value()}, 0)
    statements = [s for p in properties(template, "AWS::IAM::Policy") for s in p["PolicyDocument"]["Statement"]]

    def actions_of(s: dict[str, Any]) -> list[str]:
        return s["Action"] if isinstance(s["Action"], list) else [s["Action"]]

    assert sorted({a for s in statements for a in actions_of(s)}) == [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
    ]
    for s in statements:
        if any(a.startswith("logs:") for a in actions_of(s)):
            assert list(s["Resource"].keys()) == ["Fn::GetAtt"]


def test_throttles_the_stage_and_logs_every_authorizer_decision_as_json(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "v1",
            "TracingEnabled": True,
            "MethodSettings": Match.array_with(
                [Match.object_like({"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100})]
            ),
        },
    )
    [stage] = properties(template, "AWS::ApiGateway::Stage")
    log_format = json.loads(stage["AccessLogSetting"]["Format"])
    assert log_format["responseType"] == "$context.error.responseType"
    assert log_format["principalId"] == "$context.authorizer.principalId"
    assert log_format["apiId"] == "$context.apiId"


def test_answers_401_403_and_authorizer_failures_with_json_that_carries_no_internals(template: Template) -> None:
    by_type = {r["ResponseType"]: r for r in properties(template, "AWS::ApiGateway::GatewayResponse")}
    unauthorized = by_type["UNAUTHORIZED"]
    assert unauthorized["StatusCode"] == "401"
    assert unauthorized["ResponseParameters"]["gatewayresponse.header.WWW-Authenticate"] == "'Bearer error=\"invalid_token\"'"
    assert by_type["ACCESS_DENIED"]["StatusCode"] == "403"
    for response_type in ("AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR"):
        assert by_type[response_type]["StatusCode"] == "500"
        assert "temporarily unavailable; retry later" in by_type[response_type]["ResponseTemplates"]["application/json"]
    for response_type in ("UNAUTHORIZED", "ACCESS_DENIED", "AUTHORIZER_FAILURE", "AUTHORIZER_CONFIGURATION_ERROR", "DEFAULT_4XX", "DEFAULT_5XX"):
        response = by_type[response_type]
        assert response["ResponseParameters"]["gatewayresponse.header.Content-Type"] == "'application/json'"
        body: str = response["ResponseTemplates"]["application/json"]
        # Valid JSON once API Gateway has substituted its variables.
        filled = body.replace("$context.error.messageString", '"Missing Authentication Token"').replace("$context.requestId", "r-1")
        assert list(json.loads(filled).keys()) == ["message", "requestId"], response_type
        assert not re.search(r"authorizer\.error|error\.message[^S]|integration", body), response_type


def test_alarms_when_the_authorizer_cannot_decide_and_on_any_5xx_answer_notifying_one_alarm_topic(template: Template) -> None:
    topic = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topic) == 1
    template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "LogGroupName": {"Ref": logical_id(template, "AWS::Logs::LogGroup", "ApiAccessLogs")},
            "FilterPattern": '{ ($.responseType = "AUTHORIZER_FAILURE") || ($.responseType = "AUTHORIZER_CONFIGURATION_ERROR") }',
            "MetricTransformations": [
                {
                    "MetricNamespace": "LambdaAuthorizer",
                    "MetricName": "AuthorizerFailures",
                    "MetricValue": "1",
                    "Dimensions": [{"Key": "ApiId", "Value": "$.apiId"}],
                }
            ],
        },
    )
    alarms = properties(template, "AWS::CloudWatch::Alarm")
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"]) for a in alarms) == [
        ("AWS/ApiGateway", "5XXError", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("LambdaAuthorizer", "AuthorizerFailures", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
    ]
    [failures] = [a for a in alarms if a["MetricName"] == "AuthorizerFailures"]
    assert failures["Dimensions"] == [{"Name": "ApiId", "Value": {"Ref": logical_id(template, "AWS::ApiGateway::RestApi", "Api")}}]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topic[0]}]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(LambdaAuthorizerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_runs_both_functions_on_python_3_13_arm64_with_tracing_and_a_short_timeout(template: Template) -> None:
    functions = properties(template, "AWS::Lambda::Function")
    assert len(functions) == 2
    for fn in functions:
        assert fn["Runtime"] == "python3.13"
        assert fn["Architectures"] == ["arm64"]
        assert fn["TracingConfig"] == {"Mode": "Active"}
        assert fn["Timeout"] == 5


def test_bundles_the_authorizer_with_the_same_asset_hash_on_every_synth(template: Template) -> None:
    again = Template.from_stack(LambdaAuthorizerStack(app_from_cdk_json(), "Under-Test"))

    def code_keys(t: Template) -> list[Any]:
        return sorted(json.dumps(p["Code"]) for p in properties(t, "AWS::Lambda::Function"))

    assert code_keys(template) == code_keys(again)


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: LambdaAuthorizerStack) -> None:
    with_email = LambdaAuthorizerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            open_findings = [f"{v.rule_name}: {v.description}" for v in report.violations]
            assert open_findings == [], f"{pack.name} has unacknowledged findings"
