import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from api_keys_and_usage_plans.api_keys_and_usage_plans_stack import ApiKeysAndUsagePlansStack
from tests.synth import synth


@pytest.fixture(scope="module")
def synthesized() -> tuple[ApiKeysAndUsagePlansStack, Template]:
    return synth()


@pytest.fixture(scope="module")
def template(synthesized: tuple[ApiKeysAndUsagePlansStack, Template]) -> Template:
    return synthesized[1]


def resources(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {logical_id: r.get("Properties", {}) for logical_id, r in template.find_resources(resource_type).items()}


def plans_by_tier(template: Template) -> dict[str, dict[str, Any]]:
    plans = {}
    for logical_id, props in resources(template, "AWS::ApiGateway::UsagePlan").items():
        match = re.search(r"Api(Free|Pro)Plan", logical_id)
        plans[match[1] if match else logical_id] = {**props, "logicalId": logical_id}
    return plans


def key_id(template: Template, tier: str) -> str:
    return next(k for k in resources(template, "AWS::ApiGateway::ApiKey") if k.startswith(f"{tier}DemoKey"))


def test_requires_an_api_key_on_every_method(template: Template) -> None:
    methods = list(resources(template, "AWS::ApiGateway::Method").values())
    assert len(methods) == 2
    assert all(m["ApiKeyRequired"] is True for m in methods)


def test_offers_a_free_and_a_pro_plan_with_their_own_per_key_throttle_and_quota(template: Template) -> None:
    plans = plans_by_tier(template)
    assert sorted(plans) == ["Free", "Pro"]
    assert (plans["Free"]["Throttle"], plans["Free"]["Quota"]) == ({"RateLimit": 5, "BurstLimit": 10}, {"Limit": 1000, "Period": "DAY"})
    assert (plans["Pro"]["Throttle"], plans["Pro"]["Quota"]) == ({"RateLimit": 50, "BurstLimit": 100}, {"Limit": 100000, "Period": "MONTH"})


def test_throttles_the_history_method_tighter_than_the_rest_of_the_api_in_every_plan(template: Template) -> None:
    plans = plans_by_tier(template)
    api = next(iter(resources(template, "AWS::ApiGateway::RestApi")))
    stage = next(iter(resources(template, "AWS::ApiGateway::Stage")))
    for tier, history in {"Free": {"RateLimit": 1, "BurstLimit": 2}, "Pro": {"RateLimit": 10, "BurstLimit": 20}}.items():
        plan = plans[tier]
        assert plan["ApiStages"] == [{"ApiId": {"Ref": api}, "Stage": {"Ref": stage}, "Throttle": {"/forecasts/{city}/history/GET": history}}]
        assert history["RateLimit"] < plan["Throttle"]["RateLimit"]


def test_puts_each_generated_demo_key_in_exactly_one_plan(template: Template) -> None:
    plans = plans_by_tier(template)
    links = sorted((link["KeyId"]["Ref"], link["UsagePlanId"]["Ref"], link["KeyType"]) for link in resources(template, "AWS::ApiGateway::UsagePlanKey").values())
    assert links == sorted(
        [
            (key_id(template, "Free"), plans["Free"]["logicalId"], "API_KEY"),
            (key_id(template, "Pro"), plans["Pro"]["logicalId"], "API_KEY"),
        ]
    )


def test_lets_api_gateway_generate_every_key_value_and_outputs_only_key_ids(template: Template) -> None:
    keys = resources(template, "AWS::ApiGateway::ApiKey")
    assert len(keys) == 2
    for key in keys.values():
        # A key value in the template would be readable by anyone who can read the stack.
        assert "Value" not in key
        # Generated names keep two deployments from colliding.
        assert "Name" not in key
        assert key["Enabled"] is True
    outputs = template.to_json()["Outputs"]
    for tier in ("Free", "Pro"):
        output = outputs[f"{tier}KeyId"]
        assert output["Value"] == {"Ref": key_id(template, tier)}
        assert "aws apigateway get-api-key --include-value" in output["Description"]


def test_backs_the_plans_with_a_stage_wide_throttle_for_all_keys_together(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "v1",
            "MethodSettings": [Match.object_like({"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 100, "ThrottlingBurstLimit": 200})],
        },
    )


def test_answers_a_bad_key_with_403_and_each_limit_with_429_in_json_naming_the_error_type(template: Template) -> None:
    by_type = {r["ResponseType"]: r for r in resources(template, "AWS::ApiGateway::GatewayResponse").values()}
    # DEFAULT_4XX sets no status code, so a request with no key keeps API Gateway's own 403.
    assert {t: r.get("StatusCode") for t, r in by_type.items()} == {
        "INVALID_API_KEY": "403",
        "THROTTLED": "429",
        "QUOTA_EXCEEDED": "429",
        "DEFAULT_4XX": None,
    }
    for response_type, response in by_type.items():
        filled = (
            response["ResponseTemplates"]["application/json"]
            .replace("$context.error.message", "Forbidden")
            .replace("$context.error.responseType", response_type)
            .replace("$context.requestId", "abc-123")
        )
        body = json.loads(filled)
        assert body["errorType"] == response_type
        assert isinstance(body["message"], str)
        assert response["ResponseParameters"]["gatewayresponse.header.Content-Type"] == "'application/json'"


def test_logs_the_key_id_of_every_request_and_never_the_key_value(template: Template) -> None:
    stage = next(iter(resources(template, "AWS::ApiGateway::Stage").values()))
    log_format = json.loads(stage["AccessLogSetting"]["Format"])
    assert log_format["apiKeyId"] == "$context.identity.apiKeyId"
    assert log_format["errorType"] == "$context.error.responseType"
    assert '$context.identity.apiKey"' not in stage["AccessLogSetting"]["Format"]


def test_lets_only_the_two_methods_of_this_api_invoke_the_function(template: Template) -> None:
    permissions = list(resources(template, "AWS::Lambda::Permission").values())
    assert len(permissions) == 2
    api = next(iter(resources(template, "AWS::ApiGateway::RestApi")))
    routes = []
    for permission in permissions:
        assert permission["Principal"] == "apigateway.amazonaws.com"
        parts = permission["SourceArn"]["Fn::Join"][1]
        assert {"Ref": api} in parts
        routes.append(parts[-1])
    assert sorted(routes) == ["/GET/forecasts/*", "/GET/forecasts/*/history"]


def test_gives_the_function_a_role_that_can_write_its_own_logs_and_traces_and_nothing_else(template: Template) -> None:
    statements = [s for p in resources(template, "AWS::IAM::Policy").values() for s in p["PolicyDocument"]["Statement"]]
    actions = sorted(a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    template.has_resource_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})


def test_alarms_on_5xx_function_errors_and_a_spike_of_4xx_notifying_one_topic(template: Template) -> None:
    topics = list(resources(template, "AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = list(resources(template, "AWS::CloudWatch::Alarm").values())
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"]) for a in alarms) == [
        ("AWS/ApiGateway", "4XXError", "Sum", 300, 100, "GreaterThanOrEqualToThreshold"),
        ("AWS/ApiGateway", "5XXError", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    _, with_email = synth("With-Email", alarmEmail="ops@example.com")
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(synthesized: tuple[ApiKeysAndUsagePlansStack, Template]) -> None:
    with_email, _ = synth("Nag-With-Email", alarmEmail="ops@example.com")
    for scope in (synthesized[0], with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
