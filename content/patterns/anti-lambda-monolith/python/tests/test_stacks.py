import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_lambda_monolith.anti_lambda_monolith_stack import SinglePurposeShopStack
from anti_lambda_monolith.before_stack import MonolithShopStack
from tests.cdk_app import app_from_cdk_json


def short(logical_id: str) -> str:
    return re.sub(r"[0-9A-F]{8}$", "", logical_id)


def grants_by_function(template: Template) -> dict[str, list[str]]:
    by_role: dict[str, list[str]] = {}
    for policy in template.find_resources("AWS::IAM::Policy").values():
        role = policy["Properties"]["Roles"][0]["Ref"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            by_role.setdefault(role, []).extend(a for a in actions if not re.match(r"^(logs|xray):", a))
    return {short(fid): sorted(by_role.get(fn["Properties"]["Role"]["Fn::GetAtt"][0], [])) for fid, fn in template.find_resources("AWS::Lambda::Function").items()}


def routes_to(template: Template) -> dict[str, str]:
    integrations = template.find_resources("AWS::ApiGatewayV2::Integration")
    result = {}
    for route in template.find_resources("AWS::ApiGatewayV2::Route").values():
        integration = next(p for p in route["Properties"]["Target"]["Fn::Join"][1] if isinstance(p, dict))["Ref"]
        result[route["Properties"]["RouteKey"]] = short(integrations[integration]["Properties"]["IntegrationUri"]["Fn::GetAtt"][0])
    return result


@pytest.fixture(scope="module")
def fix() -> SinglePurposeShopStack:
    return SinglePurposeShopStack(app_from_cdk_json(), "Fix")


@pytest.fixture(scope="module")
def template(fix: SinglePurposeShopStack) -> Template:
    return Template.from_stack(fix)


def test_sends_each_route_to_its_own_function_and_nothing_else_to_any_function(template: Template) -> None:
    assert routes_to(template) == {
        "POST /customers": "CreateCustomer",
        "GET /customers/{customerId}": "GetCustomer",
        "DELETE /customers/{customerId}": "DeleteCustomer",
        "POST /customers/{customerId}/orders": "PlaceOrder",
    }


def test_grants_each_function_only_the_actions_its_one_operation_calls(template: Template) -> None:
    assert grants_by_function(template) == {
        "CreateCustomer": ["dynamodb:PutItem"],
        "GetCustomer": ["dynamodb:GetItem"],
        "DeleteCustomer": ["dynamodb:DeleteItem"],
        "PlaceOrder": ["dynamodb:ConditionCheckItem", "dynamodb:PutItem"],
    }
    customers = next(t for t in template.find_resources("AWS::DynamoDB::GlobalTable") if t.startswith("Customers"))
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {"PolicyDocument": {"Statement": Match.array_with([{"Action": "dynamodb:ConditionCheckItem", "Effect": "Allow", "Resource": {"Fn::GetAtt": [customers, "Arn"]}}])}},
    )
    template.resource_properties_count_is("AWS::IAM::Role", {"ManagedPolicyArns": Match.any_value()}, 0)


def test_sizes_each_function_for_its_own_operation(template: Template) -> None:
    sizing = {short(fid): [fn["Properties"]["MemorySize"], fn["Properties"]["Timeout"]] for fid, fn in template.find_resources("AWS::Lambda::Function").items()}
    assert sizing == {"CreateCustomer": [256, 5], "GetCustomer": [256, 3], "DeleteCustomer": [256, 3], "PlaceOrder": [512, 10]}
    template.all_resources_properties("AWS::Lambda::Function", {"Runtime": "python3.13", "Architectures": ["arm64"], "TracingConfig": {"Mode": "Active"}})


def test_throttles_and_access_logs_the_stage_with_the_matched_route(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 50},
            "AccessLogSettings": {"DestinationArn": Match.any_value(), "Format": Match.string_like_regexp('"route":"\\$context.routeKey"')},
        },
    )


def test_alarms_the_one_alarm_topic_on_any_5xx_answer_of_the_api(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert [[a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["AlarmActions"]] for a in alarms] == [
        ["AWS/ApiGateway", "5xx", "Sum", 300, 1, [{"Ref": topics[0]}]]
    ]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(SinglePurposeShopStack(app_from_cdk_json(alarmEmail="ops@example.com"), "FixWithEmail"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(fix: SinglePurposeShopStack) -> None:
    scopes: list[Any] = [
        fix,
        SinglePurposeShopStack(app_from_cdk_json(alarmEmail="ops@example.com"), "NagFix"),
        MonolithShopStack(app_from_cdk_json(), "NagBefore"),
    ]
    for scope in scopes:
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            assert [v.rule_name for v in pack.validate_scope(scope).violations] == [], f"{pack.name} on {scope.node.id}"


def test_sends_every_method_and_path_to_one_function_whose_role_can_read_write_and_delete_both_tables() -> None:
    template = Template.from_stack(MonolithShopStack(app_from_cdk_json(), "Before"))
    assert routes_to(template) == {"ANY /{proxy+}": "ShopApi"}
    grants = grants_by_function(template)["ShopApi"]
    for action in ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan", "dynamodb:BatchWriteItem"):
        assert action in grants
    template.has_resource_properties("AWS::Lambda::Function", {"MemorySize": 512, "Timeout": 10})
