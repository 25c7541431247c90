import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from api_response_caching.api_response_caching_stack import DEFAULT_MONTHLY_BUDGET_USD, PRODUCT_TTL, REVIEWS_TTL, ApiResponseCachingStack
from api_response_caching.cache_invalidation import UNAUTHORIZED_INVALIDATION
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> ApiResponseCachingStack:
    return ApiResponseCachingStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: ApiResponseCachingStack) -> Template:
    return Template.from_stack(stack)


def _settings(template: Template) -> list[dict[str, Any]]:
    return next(iter(template.find_resources("AWS::ApiGateway::Stage").values()))["Properties"]["MethodSettings"]


def _setting_for(template: Template, resource_path: str, http_method: str) -> dict[str, Any] | None:
    return next((s for s in _settings(template) if s["ResourcePath"] == resource_path and s["HttpMethod"] == http_method), None)


def _method_at(template: Template, path_part: str, http_method: str) -> dict[str, Any]:
    resource_id = next(i for i, r in template.find_resources("AWS::ApiGateway::Resource").items() if r["Properties"]["PathPart"] == path_part)
    return next(
        m["Properties"]
        for m in template.find_resources("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == http_method and m["Properties"]["ResourceId"] == {"Ref": resource_id}
    )


def _statements(template: Template) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(p, s) for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else action


def test_provisions_one_encrypted_half_gigabyte_cache_that_is_off_unless_a_method_turns_it_on(template: Template) -> None:
    template.resource_count_is("AWS::ApiGateway::Stage", 1)
    template.has_resource_properties("AWS::ApiGateway::Stage", {"StageName": "prod", "CacheClusterEnabled": True, "CacheClusterSize": "0.5"})
    stage_wide = _setting_for(template, "/*", "*")
    assert stage_wide is not None
    assert (stage_wide["CachingEnabled"], stage_wide["CacheDataEncrypted"]) == (False, True)


def test_caches_the_product_get_for_5_minutes_and_the_reviews_get_for_1_minute_encrypted(template: Template) -> None:
    assert _setting_for(template, "/~1products~1{productId}", "GET") == {
        "ResourcePath": "/~1products~1{productId}",
        "HttpMethod": "GET",
        "CachingEnabled": True,
        "CacheTtlInSeconds": 300,
        "CacheDataEncrypted": True,
        "DataTraceEnabled": False,
    }
    assert _setting_for(template, "/~1products~1{productId}~1reviews", "GET") == {
        "ResourcePath": "/~1products~1{productId}~1reviews",
        "HttpMethod": "GET",
        "CachingEnabled": True,
        "CacheTtlInSeconds": 60,
        "CacheDataEncrypted": True,
        "DataTraceEnabled": False,
    }
    assert (PRODUCT_TTL.to_seconds(), REVIEWS_TTL.to_seconds()) == (300, 60)


def test_never_caches_the_review_post(template: Template) -> None:
    post = _setting_for(template, "/~1products~1{productId}~1reviews", "POST")
    assert post is not None and post["CachingEnabled"] is False
    assert "CacheKeyParameters" not in _method_at(template, "reviews", "POST")["Integration"]


def test_keys_the_product_cache_on_product_id_and_currency_and_the_reviews_cache_on_product_id(template: Template) -> None:
    product = _method_at(template, "{productId}", "GET")
    assert product["Integration"]["CacheKeyParameters"] == ["method.request.path.productId", "method.request.querystring.currency"]
    # A cache key must be a declared request parameter; the currency is optional.
    assert product["RequestParameters"] == {"method.request.path.productId": True, "method.request.querystring.currency": False}
    reviews = _method_at(template, "reviews", "GET")
    assert reviews["Integration"]["CacheKeyParameters"] == ["method.request.path.productId"]
    assert reviews["RequestParameters"] == {"method.request.path.productId": True}


def test_tells_clients_the_same_ttls_the_stage_caches_for(template: Template) -> None:
    functions = [f for f in template.find_resources("AWS::Lambda::Function").values() if "TABLE_NAME" in f["Properties"].get("Environment", {}).get("Variables", {})]
    assert len(functions) == 2
    product = _setting_for(template, "/~1products~1{productId}", "GET")
    reviews = _setting_for(template, "/~1products~1{productId}~1reviews", "GET")
    assert product is not None and reviews is not None
    for fn in functions:
        variables = fn["Properties"]["Environment"]["Variables"]
        assert variables["PRODUCT_TTL_SECONDS"] == str(product["CacheTtlInSeconds"])
        assert variables["REVIEWS_TTL_SECONDS"] == str(reviews["CacheTtlInSeconds"])


def test_requires_iam_authorization_to_invalidate_and_ignores_unauthorized_cache_control_with_a_warning_header(template: Template) -> None:
    settings_call = next(iter(template.find_resources("Custom::AWS").values()))["Properties"]
    call = json.loads("".join(p if isinstance(p, str) else "TOKEN" for p in settings_call["Create"]["Fn::Join"][1]))
    assert (call["service"], call["action"]) == ("APIGateway", "updateStage")
    assert call["parameters"]["patchOperations"] == [
        {"op": "replace", "path": "/~1products~1{productId}/GET/caching/requireAuthorizationForCacheControl", "value": "true"},
        {"op": "replace", "path": "/~1products~1{productId}/GET/caching/unauthorizedCacheControlHeaderStrategy", "value": "SUCCEED_WITH_RESPONSE_HEADER"},
        {"op": "replace", "path": "/~1products~1{productId}~1reviews/GET/caching/requireAuthorizationForCacheControl", "value": "true"},
        {"op": "replace", "path": "/~1products~1{productId}~1reviews/GET/caching/unauthorizedCacheControlHeaderStrategy", "value": "SUCCEED_WITH_RESPONSE_HEADER"},
    ]
    assert UNAUTHORIZED_INVALIDATION == "SUCCEED_WITH_RESPONSE_HEADER"
    assert settings_call["Update"] == settings_call["Create"]
    # The helper may patch this one stage and nothing else.
    patch = [s for _, s in _statements(template) if any(a.startswith("apigateway:") for a in _actions(s))]
    assert [s["Action"] for s in patch] == ["apigateway:PATCH"]
    assert ":apigateway:" in json.dumps(patch[0]["Resource"]) and "/stages/" in json.dumps(patch[0]["Resource"])


def test_grants_invalidate_cache_only_to_the_invalidator_role_on_the_cached_gets_only(template: Template) -> None:
    granting = [(p, s) for p, s in _statements(template) if any(a.startswith("execute-api:") for a in _actions(s))]
    assert len(granting) == 1
    policy, statement = granting[0]
    role = next(i for i in template.find_resources("AWS::IAM::Role") if i.startswith("CacheInvalidationInvalidatorRole"))
    assert policy["Properties"]["Roles"] == [{"Ref": role}]
    assert statement["Action"] == "execute-api:InvalidateCache"
    assert [r["Fn::Join"][1][-1] for r in statement["Resource"]] == ["/GET/products/*", "/GET/products/*/reviews"]
    # Only principals of this account can assume it.
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [Match.object_like({"Principal": {"AWS": {"Fn::Join": ["", Match.array_with([":iam::", {"Ref": "AWS::AccountId"}, ":root"])]}}})]
            },
            "MaxSessionDuration": 3600,
        },
    )


def test_reader_may_only_query_and_writer_only_condition_check_and_put_on_the_catalog_table(template: Template) -> None:
    table = next(iter(template.find_resources("AWS::DynamoDB::GlobalTable")))
    by_role: dict[str, list[Any]] = {}
    for policy, statement in _statements(template):
        if any(a.startswith("dynamodb:") for a in _actions(statement)):
            role = policy["Properties"]["Roles"][0]["Ref"].split("Role")[0]
            by_role.setdefault(role, []).append((statement["Action"], statement["Resource"]))
    assert by_role == {
        "CatalogReader": [("dynamodb:Query", {"Fn::GetAtt": [table, "Arn"]})],
        "ReviewWriter": [(["dynamodb:ConditionCheckItem", "dynamodb:PutItem"], {"Fn::GetAtt": [table, "Arn"]})],
    }


def test_validates_review_bodies_against_the_request_model_before_the_function_runs(template: Template) -> None:
    assert _method_at(template, "reviews", "POST")["RequestValidatorId"]
    template.has_resource_properties("AWS::ApiGateway::RequestValidator", {"ValidateRequestBody": True, "ValidateRequestParameters": True})
    template.has_resource_properties(
        "AWS::ApiGateway::Model",
        {
            "Schema": Match.object_like(
                {
                    "required": ["rating", "comment"],
                    "additionalProperties": False,
                    "properties": {
                        "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                        "comment": {"type": "string", "minLength": 1, "maxLength": 500},
                    },
                }
            )
        },
    )


def test_throttles_the_stage_and_writes_json_access_logs(template: Template) -> None:
    stage_wide = _setting_for(template, "/*", "*")
    assert stage_wide is not None
    assert (stage_wide["ThrottlingRateLimit"], stage_wide["ThrottlingBurstLimit"]) == (100, 50)
    template.has_resource_properties("AWS::ApiGateway::Stage", {"AccessLogSetting": Match.object_like({"Format": Match.string_like_regexp("integrationLatency")})})


def test_alarms_on_5xx_and_function_errors_and_budgets_api_gateway_charges_on_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted(
        (a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], ",".join(d["Name"] for d in a["Dimensions"])) for a in alarms
    ) == [
        ("AWS/ApiGateway", "5XXError", "Sum", 300, 1, "ApiName,Stage"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "FunctionName"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "FunctionName"),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    subscriber = [{"SubscriptionType": "SNS", "Address": {"Ref": topics[0]}}]
    template.has_resource_properties(
        "AWS::Budgets::Budget",
        {
            "Budget": {
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": DEFAULT_MONTHLY_BUDGET_USD, "Unit": "USD"},
                "CostFilters": {"Service": ["Amazon API Gateway"]},
            },
            "NotificationsWithSubscribers": [
                {"Notification": Match.object_like({"NotificationType": "ACTUAL", "Threshold": 100}), "Subscribers": subscriber},
                {"Notification": Match.object_like({"NotificationType": "FORECASTED", "Threshold": 100}), "Subscribers": subscriber},
            ],
        },
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"PolicyDocument": {"Statement": Match.array_with([Match.object_like({"Sid": "AllowBudgetsToPublish", "Principal": {"Service": "budgets.amazonaws.com"}})])}},
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(ApiResponseCachingStack(app_from_cdk_json(alarmEmail="ops@example.com", monthlyBudgetUsd=40), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})
    with_email.has_resource_properties("AWS::Budgets::Budget", {"Budget": Match.object_like({"BudgetLimit": {"Amount": 40, "Unit": "USD"}})})
    with pytest.raises(ValueError, match="monthlyBudgetUsd"):
        ApiResponseCachingStack(app_from_cdk_json(monthlyBudgetUsd="lots"), "Bad-Budget")


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: ApiResponseCachingStack) -> None:
    with_email = ApiResponseCachingStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
