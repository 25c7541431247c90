import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from api_authorization_cognito_iam.api_authorization_cognito_iam_stack import ApiAuthorizationCognitoIamStack
from tests.cdk_app import app_from_cdk_json


def render(value: Any) -> str:
    """Renders Fn::Join / Ref / GetAtt as one readable string, e.g. arn:<AWS::Partition>:...:<OrdersApi...>/v1/GET/..."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return f"<{'.'.join(value['Fn::GetAtt'])}>"
    if "Fn::Join" in value:
        return value["Fn::Join"][0].join(render(v) for v in value["Fn::Join"][1])
    return json.dumps(value)


@pytest.fixture(scope="module")
def stack() -> ApiAuthorizationCognitoIamStack:
    return ApiAuthorizationCognitoIamStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: ApiAuthorizationCognitoIamStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def resources(template: Template) -> dict[str, Any]:
    return template.to_json()["Resources"]


def logical_id(template: Template, type_: str) -> str:
    ids = list(template.find_resources(type_))
    assert len(ids) == 1, f"one {type_}"
    return ids[0]


def methods(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every method with its full path, e.g. "GET /internal/orders/{owner}"."""

    def path_of(ref: Any) -> str:
        rid = ref.get("Ref") if isinstance(ref, dict) else None
        if not rid or resources.get(rid, {}).get("Type") != "AWS::ApiGateway::Resource":
            return ""
        props = resources[rid]["Properties"]
        return f"{path_of(props['ParentId'])}/{props['PathPart']}"

    return {
        f"{r['Properties']['HttpMethod']} {path_of(r['Properties']['ResourceId'])}": r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::ApiGateway::Method"
    }


def test_gives_each_people_route_the_cognito_authorizer_and_exactly_its_scope(template: Template, resources: dict[str, Any]) -> None:
    authorizer = logical_id(template, "AWS::ApiGateway::Authorizer")
    template.has_resource_properties(
        "AWS::ApiGateway::Authorizer",
        {
            "Type": "COGNITO_USER_POOLS",
            "IdentitySource": "method.request.header.Authorization",
            "ProviderARNs": [{"Fn::GetAtt": [logical_id(template, "AWS::Cognito::UserPool"), "Arn"]}],
        },
    )
    m = methods(resources)
    for route, scope in (("GET /orders", "orders/read"), ("POST /orders", "orders/write")):
        assert m[route]["AuthorizationType"] == "COGNITO_USER_POOLS", route
        assert m[route]["AuthorizerId"] == {"Ref": authorizer}, route
        assert m[route]["AuthorizationScopes"] == [scope], route


def test_puts_the_service_routes_behind_iam_with_no_cognito_authorizer_or_scopes(resources: dict[str, Any]) -> None:
    m = methods(resources)
    assert sorted(m) == ["GET /internal/orders/{owner}", "GET /orders", "POST /internal/orders/{owner}", "POST /orders"]
    for route in ("GET /internal/orders/{owner}", "POST /internal/orders/{owner}"):
        assert m[route]["AuthorizationType"] == "AWS_IAM", route
        assert "AuthorizerId" not in m[route], route
        assert "AuthorizationScopes" not in m[route], route


def test_lets_the_service_role_invoke_only_get_and_post_on_internal_orders_in_the_v1_stage(template: Template, resources: dict[str, Any]) -> None:
    api = logical_id(template, "AWS::ApiGateway::RestApi")
    policy = logical_id(template, "AWS::IAM::ManagedPolicy")
    statements = resources[policy]["Properties"]["PolicyDocument"]["Statement"]
    assert [(s["Effect"], s["Action"], [render(r) for r in s["Resource"]]) for s in statements] == [
        (
            "Allow",
            "execute-api:Invoke",
            [
                f"arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<{api}>/v1/GET/internal/orders/*",
                f"arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<{api}>/v1/POST/internal/orders/*",
            ],
        )
    ]
    [(role_id, role)] = [(k, r) for k, r in resources.items() if r["Type"] == "AWS::IAM::Role" and "ManagedPolicyArns" in r["Properties"]]
    assert role["Properties"]["ManagedPolicyArns"] == [{"Ref": policy}]
    assert render(role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"]) == "arn:<AWS::Partition>:iam::<AWS::AccountId>:root"
    assert role["Properties"]["MaxSessionDuration"] == 3600
    # Nothing else is attached to the service role.
    assert [r for r in resources.values() if r["Type"] == "AWS::IAM::Policy" and role_id in json.dumps(r["Properties"].get("Roles"))] == []


def test_locks_down_the_user_pool_invitation_only_totp_mfa_required_strong_passwords_essentials(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "MfaConfiguration": "ON",
            "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
            "UserPoolTier": "ESSENTIALS",
            "UsernameAttributes": ["email"],
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": 14,
                    "RequireLowercase": True,
                    "RequireUppercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                    "TemporaryPasswordValidityDays": 3,
                }
            },
        },
    )


def test_deletes_the_user_pool_and_every_user_in_it_on_cdk_destroy(template: Template, resources: dict[str, Any]) -> None:
    pool = resources[logical_id(template, "AWS::Cognito::UserPool")]
    assert pool["DeletionPolicy"] == "Delete"
    assert pool["Properties"]["DeletionProtection"] == "INACTIVE"


def test_defines_the_orders_scopes_and_a_public_client_limited_to_the_code_grant(template: Template, resources: dict[str, Any]) -> None:
    template.has_resource_properties(
        "AWS::Cognito::UserPoolResourceServer",
        {
            "Identifier": "orders",
            "Scopes": [
                {"ScopeName": "read", "ScopeDescription": Match.any_value()},
                {"ScopeName": "write", "ScopeDescription": Match.any_value()},
            ],
        },
    )
    client = resources[logical_id(template, "AWS::Cognito::UserPoolClient")]["Properties"]
    server = logical_id(template, "AWS::Cognito::UserPoolResourceServer")
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert sorted(render(s) for s in client["AllowedOAuthScopes"]) == [f"<{server}>/read", f"<{server}>/write", "email", "openid"]
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    assert client["CallbackURLs"] == ["http://localhost:8080/callback"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"


def test_derives_the_hosted_domain_prefix_from_the_stack_id_unless_one_is_given_and_refuses_invalid_ones(template: Template, resources: dict[str, Any]) -> None:
    domain = resources[logical_id(template, "AWS::Cognito::UserPoolDomain")]["Properties"]["Domain"]
    uuid_tail = {"Fn::Select": [4, {"Fn::Split": ["-", {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}]}]}
    assert domain == {"Fn::Join": ["", ["orders-", uuid_tail]]}

    chosen = Template.from_stack(ApiAuthorizationCognitoIamStack(app_from_cdk_json(authDomainPrefix="acme-orders-login"), "Chosen"))
    chosen.has_resource_properties("AWS::Cognito::UserPoolDomain", {"Domain": "acme-orders-login"})
    for bad in ("my-cognito-login", "Acme", "-acme", "acme_orders"):
        with pytest.raises(Exception, match="authDomainPrefix"):
            ApiAuthorizationCognitoIamStack(app_from_cdk_json(authDomainPrefix=bad), "Bad")
    with pytest.raises(Exception, match="callbackUrl"):
        ApiAuthorizationCognitoIamStack(app_from_cdk_json(callbackUrl="http://app.example.com/cb"), "BadUrl")


def test_validates_order_bodies_and_the_owner_parameter_before_invoking_the_function(template: Template, resources: dict[str, Any]) -> None:
    template.has_resource_properties("AWS::ApiGateway::RequestValidator", {"ValidateRequestBody": True, "ValidateRequestParameters": True})
    model = logical_id(template, "AWS::ApiGateway::Model")
    template.has_resource_properties(
        "AWS::ApiGateway::Model",
        {
            "Schema": Match.object_like(
                {
                    "required": ["item", "quantity"],
                    "additionalProperties": False,
                    "properties": {"item": {"type": "string", "minLength": 1, "maxLength": 100}, "quantity": {"type": "integer", "minimum": 1, "maximum": 100}},
                }
            )
        },
    )
    m = methods(resources)
    for route in ("POST /orders", "POST /internal/orders/{owner}"):
        assert m[route]["RequestModels"] == {"application/json": {"Ref": model}}, route
        assert m[route]["RequestValidatorId"], route
    for route in ("GET /internal/orders/{owner}", "POST /internal/orders/{owner}"):
        assert m[route]["RequestParameters"] == {"method.request.path.owner": True}, route


def test_throttles_the_v1_stage_and_logs_who_called_on_every_line(template: Template) -> None:
    stage = next(iter(template.find_resources("AWS::ApiGateway::Stage").values()))["Properties"]
    assert stage["StageName"] == "v1"
    assert stage["MethodSettings"] == [
        {"DataTraceEnabled": False, "HttpMethod": "*", "LoggingLevel": "OFF", "ResourcePath": "/*", "ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50}
    ]
    log_format = json.loads(stage["AccessLogSetting"]["Format"])
    assert log_format["user"] == "$context.authorizer.claims.sub"
    assert log_format["caller"] == "$context.identity.userArn"
    assert log_format["error"] == "$context.error.responseType"


def test_lets_the_function_only_query_and_put_orders_and_only_the_v1_stage_invoke_it(template: Template) -> None:
    table = logical_id(template, "AWS::DynamoDB::GlobalTable")
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))]
    assert [(s["Action"], s["Resource"]) for s in dynamo] == [(["dynamodb:PutItem", "dynamodb:Query"], {"Fn::GetAtt": [table, "Arn"]})]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
        },
    )
    stage = logical_id(template, "AWS::ApiGateway::Stage")
    sources = sorted("/".join(render(p["Properties"]["SourceArn"]).split("/")[1:]) for p in template.find_resources("AWS::Lambda::Permission").values())
    assert sources == [f"<{stage}>/{r}" for r in ("GET/internal/orders/*", "GET/orders", "POST/internal/orders/*", "POST/orders")]


def test_alarms_on_5xx_a_burst_of_rejections_and_function_errors_notifying_one_topic(template: Template) -> None:
    topic = logical_id(template, "AWS::SNS::Topic")
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"]) for a in alarms) == [
        ("AWS/ApiGateway", "4XXError", "Sum", 300, 50, "GreaterThanOrEqualToThreshold"),
        ("AWS/ApiGateway", "5XXError", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(ApiAuthorizationCognitoIamStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: ApiAuthorizationCognitoIamStack) -> None:
    with_email = ApiAuthorizationCognitoIamStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
