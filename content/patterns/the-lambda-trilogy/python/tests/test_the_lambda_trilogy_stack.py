import json
import re
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_lambda_trilogy.calculator_parts import FUNCTION_MEMORY_MB, STAGE_BURST_LIMIT, STAGE_RATE_LIMIT
from the_lambda_trilogy.the_lambda_trilogy_stack import TheFatLambdaStack, TheLambdaLithStack, TheSinglePurposeFunctionStack

KEYS = ("single", "fat", "lith")


@pytest.fixture(scope="module")
def stacks() -> dict[str, Stack]:
    app = app_from_cdk_json()
    return {
        "single": TheSinglePurposeFunctionStack(app, "Single"),
        "fat": TheFatLambdaStack(app, "Fat"),
        "lith": TheLambdaLithStack(app, "Lith"),
    }


@pytest.fixture(scope="module")
def templates(stacks: dict[str, Stack]) -> dict[str, Template]:
    return {key: Template.from_stack(stack) for key, stack in stacks.items()}


def routes_to_functions(template: Template) -> dict[str, str]:
    """'GET /add' -> logical id of the Lambda function its integration invokes."""
    resources: dict[str, Any] = template.to_json()["Resources"]

    def path_of(ref: Any) -> str:
        resource_id = ref.get("Ref") if isinstance(ref, dict) else None
        if resource_id and resources.get(resource_id, {}).get("Type") == "AWS::ApiGateway::Resource":
            return "/" + resources[resource_id]["Properties"]["PathPart"]
        return "/"  # the API's root resource

    routes: dict[str, str] = {}
    for resource in resources.values():
        if resource["Type"] != "AWS::ApiGateway::Method":
            continue
        props = resource["Properties"]
        target = re.search(r'"Fn::GetAtt": \["([A-Za-z0-9]+)", "Arn"\]', json.dumps(props["Integration"]["Uri"]))
        routes[f"{props['HttpMethod']} {path_of(props['ResourceId'])}"] = target.group(1) if target else "?"
    return routes


def logical_id_of(template: Template, resource_type: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    assert len(ids) == 1, f"expected one {resource_type} named {prefix}*"
    return ids[0]


def test_deploy_one_function_per_route_each_behind_exactly_one_get_route(templates: dict[str, Template]) -> None:
    templates["single"].resource_count_is("AWS::Lambda::Function", 3)
    routes = routes_to_functions(templates["single"])
    assert sorted(routes) == ["GET /add", "GET /multiply", "GET /subtract"]
    assert routes["GET /add"].startswith("AddFunction")
    assert routes["GET /subtract"].startswith("SubtractFunction")
    assert routes["GET /multiply"].startswith("MultiplyFunction")
    handlers = {
        i: f["Properties"]["Handler"] for i, f in templates["single"].find_resources("AWS::Lambda::Function").items()
    }
    assert handlers[routes["GET /add"]] == "calculator.add.handler"
    assert handlers[routes["GET /subtract"]] == "calculator.subtract.handler"
    assert handlers[routes["GET /multiply"]] == "calculator.multiply.handler"


def test_give_every_function_its_own_role_that_reaches_only_its_own_log_group(templates: dict[str, Template]) -> None:
    single = templates["single"]
    single.resource_count_is("AWS::IAM::Role", 3)
    for name in ("AddFunction", "SubtractFunction", "MultiplyFunction"):
        role = logical_id_of(single, "AWS::IAM::Role", f"{name}Role")
        log_group = logical_id_of(single, "AWS::Logs::LogGroup", f"{name}Logs")
        policies = [p for p in single.find_resources("AWS::IAM::Policy").values() if role in json.dumps(p["Properties"]["Roles"])]
        assert len(policies) == 1
        referenced = set(re.findall(r"[A-Za-z]+FunctionLogs[A-F0-9]{8}", json.dumps(policies[0]["Properties"]["PolicyDocument"])))
        assert referenced == {log_group}, f"{name} may only write its own logs"


def test_sends_all_three_get_routes_to_one_function(templates: dict[str, Template]) -> None:
    templates["fat"].resource_count_is("AWS::Lambda::Function", 1)
    routes = routes_to_functions(templates["fat"])
    assert sorted(routes) == ["GET /add", "GET /multiply", "GET /subtract"]
    assert len(set(routes.values())) == 1
    assert next(iter(routes.values())).startswith("FatLambda")


def test_single_purpose_and_fat_lambda_api_gateway_requires_both_operands_before_invoking_anything(
    templates: dict[str, Template],
) -> None:
    for key in ("single", "fat"):
        templates[key].has_resource_properties("AWS::ApiGateway::RequestValidator", {"ValidateRequestParameters": True})
        methods = templates[key].find_resources("AWS::ApiGateway::Method")
        assert len(methods) == 3
        for method in methods.values():
            assert method["Properties"]["RequestParameters"] == {
                "method.request.querystring.a": True,
                "method.request.querystring.b": True,
            }
            assert method["Properties"].get("RequestValidatorId"), "each method uses the validator"


def test_proxies_every_method_and_path_to_one_function_and_leaves_routing_to_the_app(templates: dict[str, Template]) -> None:
    lith = templates["lith"]
    lith.resource_count_is("AWS::Lambda::Function", 1)
    routes = routes_to_functions(lith)
    assert sorted(routes) == ["ANY /", "ANY /{proxy+}"]
    assert len(set(routes.values())) == 1
    lith.resource_count_is("AWS::ApiGateway::RequestValidator", 0)
    lith.has_resource_properties("AWS::Lambda::Function", {"Handler": "calculator.lambda_lith.handler"})


def test_runs_python_3_13_on_arm64_with_the_same_memory_tracing_and_json_logs(templates: dict[str, Template]) -> None:
    for key in KEYS:
        for fn in templates[key].find_resources("AWS::Lambda::Function").values():
            props = fn["Properties"]
            assert props["Runtime"] == "python3.13"
            assert props["Architectures"] == ["arm64"]
            assert props["MemorySize"] == FUNCTION_MEMORY_MB
            assert props["TracingConfig"] == {"Mode": "Active"}
            assert props["LoggingConfig"]["LogFormat"] == "JSON"


def test_throttles_traces_and_access_logs_the_stage(templates: dict[str, Template]) -> None:
    for key in KEYS:
        templates[key].has_resource_properties(
            "AWS::ApiGateway::Stage",
            {
                "StageName": "prod",
                "TracingEnabled": True,
                "AccessLogSetting": Match.object_like({"DestinationArn": Match.any_value()}),
                "MethodSettings": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "HttpMethod": "*",
                                "ResourcePath": "/*",
                                "ThrottlingRateLimit": STAGE_RATE_LIMIT,
                                "ThrottlingBurstLimit": STAGE_BURST_LIMIT,
                            }
                        )
                    ]
                ),
            },
        )
    assert (STAGE_RATE_LIMIT, STAGE_BURST_LIMIT) == (50, 100)


def test_uses_no_aws_managed_policy_and_grants_nothing_beyond_logs_and_xray(templates: dict[str, Template]) -> None:
    for key in KEYS:
        for role in templates[key].find_resources("AWS::IAM::Role").values():
            assert "ManagedPolicyArns" not in role["Properties"]
        actions = [
            action
            for policy in templates[key].find_resources("AWS::IAM::Policy").values()
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
        ]
        assert actions
        for action in actions:
            assert re.match(r"^(logs|xray):", action), f"{key}: {action}"


def test_alarms_the_one_alarm_topic_of_each_stack_when_its_api_answers_a_5xx(templates: dict[str, Template]) -> None:
    for key in KEYS:
        topics = list(templates[key].find_resources("AWS::SNS::Topic"))
        assert len(topics) == 1, key
        alarms = [a["Properties"] for a in templates[key].find_resources("AWS::CloudWatch::Alarm").values()]
        assert len(alarms) == 1, key
        assert alarms[0]["MetricName"] == "5XXError"
        assert alarms[0]["Namespace"] == "AWS/ApiGateway"
        assert alarms[0]["AlarmActions"] == [{"Ref": topics[0]}]
        assert alarms[0]["Threshold"] == 1
        templates[key].resource_count_is("AWS::SNS::Subscription", 0)
    mailed = Template.from_stack(TheFatLambdaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
    mailed.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_awssolutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stacks: dict[str, Stack]) -> None:
    mailed_app = app_from_cdk_json(alarmEmail="ops@example.com")
    mailed: dict[str, Stack] = {
        "single": TheSinglePurposeFunctionStack(mailed_app, "Nag-Mailed-Single"),
        "fat": TheFatLambdaStack(mailed_app, "Nag-Mailed-Fat"),
        "lith": TheLambdaLithStack(mailed_app, "Nag-Mailed-Lith"),
    }
    for key in KEYS:
        for label, scope in ((key, stacks[key]), (f"{key} with alarmEmail", mailed[key])):
            for pack in (AwsSolutionsChecks(), ServerlessChecks()):
                report = pack.validate_scope(scope)
                assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], label
