import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_eventbridge_circuit_breaker.the_eventbridge_circuit_breaker_stack import BREAKER, TheEventbridgeCircuitBreakerStack


@pytest.fixture(scope="module")
def stack() -> TheEventbridgeCircuitBreakerStack:
    return TheEventbridgeCircuitBreakerStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheEventbridgeCircuitBreakerStack) -> Template:
    return Template.from_stack(stack)


def fn(template: Template, prefix: str) -> dict[str, Any]:
    matches = [r for i, r in template.find_resources("AWS::Lambda::Function").items() if i.startswith(prefix)]
    assert matches, f"no function {prefix}"
    return matches[0]


def data_actions(template: Template, role_prefix: str) -> list[str]:
    actions: list[str] = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if any(r["Ref"].startswith(role_prefix) for r in policy["Properties"]["Roles"]):
            for s in policy["Properties"]["PolicyDocument"]["Statement"]:
                actions += [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
    return sorted(a for a in actions if re.match(r"^(dynamodb|events):", a))


def test_keys_failures_by_service_and_time_and_lets_dynamodb_expire_them(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "service", "KeyType": "HASH"}, {"AttributeName": "failedAt", "KeyType": "RANGE"}],
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
            "BillingMode": "PAY_PER_REQUEST",
        },
    )


def test_opens_the_circuit_after_three_failures_in_sixty_seconds_and_gives_up_on_a_call_after_two_seconds(template: Template) -> None:
    assert BREAKER == {"failure_threshold": 3, "window_seconds": 60, "service_timeout_ms": 2000}
    env = fn(template, "Caller")["Properties"]["Environment"]["Variables"]
    assert env["FAILURE_THRESHOLD"] == "3"
    assert env["WINDOW_SECONDS"] == "60"
    assert env["SERVICE_TIMEOUT_MS"] == "2000"
    assert "SERVICE_URL" not in env, "without context, the stand-in service is used"
    assert fn(template, "FailureRecorder")["Properties"]["Environment"]["Variables"]["WINDOW_SECONDS"] == "60"


def test_guards_a_real_dependency_when_one_is_given_as_context() -> None:
    other = Template.from_stack(TheEventbridgeCircuitBreakerStack(app_from_cdk_json(serviceUrl="https://api.example.com/v1/quote"), "With-Url"))
    variables = fn(other, "Caller")["Properties"]["Environment"]["Variables"]
    assert variables["SERVICE_URL"] == "https://api.example.com/v1/quote"
    assert variables["SERVICE_NAME"] == "api.example.com"


def test_gives_the_caller_a_slightly_longer_timeout_than_the_dependency_call(template: Template) -> None:
    assert fn(template, "Caller")["Properties"]["Timeout"] * 1000 > BREAKER["service_timeout_ms"] + 1000


def test_lets_the_caller_only_read_failures_and_the_recorder_only_write_them(template: Template) -> None:
    assert data_actions(template, "CallerRole") == ["dynamodb:Query", "events:PutEvents"]
    assert data_actions(template, "FailureRecorderRole") == ["dynamodb:PutItem"]
    assert data_actions(template, "UnreliableServiceRole") == []


def test_gives_each_function_a_role_of_its_own_and_no_managed_policies(template: Template) -> None:
    roles = {fn(template, n)["Properties"]["Role"]["Fn::GetAtt"][0] for n in ("Caller", "FailureRecorder", "UnreliableService")}
    assert len(roles) == 3
    template.all_resources_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})


def test_routes_only_service_call_failed_events_from_the_caller_to_the_recorder_retrying_for_one_window(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventBusName": {"Ref": Match.string_like_regexp("^BreakerBus")},
            "EventPattern": {"source": ["circuit-breaker.caller"], "detail-type": ["ServiceCallFailed"]},
            "Targets": [
                Match.object_like(
                    {
                        "Arn": {"Fn::GetAtt": [Match.string_like_regexp("^FailureRecorder"), "Arn"]},
                        "RetryPolicy": {"MaximumEventAgeInSeconds": 60, "MaximumRetryAttempts": 2},
                    }
                )
            ],
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {"FunctionName": {"Ref": Match.string_like_regexp("^FailureRecorder")}, "MaximumEventAgeInSeconds": 60, "MaximumRetryAttempts": 2},
    )


def test_alarms_when_failure_events_are_dropped_by_the_rule_or_by_the_recorder_on_the_one_alarm_topic(template: Template) -> None:
    [topic] = template.find_resources("AWS::SNS::Topic")
    assert topic.startswith("AlarmTopic")
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 2
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": Match.string_like_regexp("^FailureRecorder[0-9A-F]{8}$")}}],
            "Statistic": "Sum",
            "Period": 300,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        },
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/Events",
            "MetricName": "FailedInvocations",
            "Dimensions": Match.array_with([{"Name": "RuleName", "Value": {"Ref": Match.string_like_regexp("^FailureRule")}}]),
            "Threshold": 1,
            "TreatMissingData": "notBreaching",
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheEventbridgeCircuitBreakerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "WithEmail"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_serves_the_breaker_at_get_root_and_the_stand_in_dependency_at_get_unreliable_both_validated(template: Template) -> None:
    methods = [m for m in template.find_resources("AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "GET"]
    targets = [str(m["Properties"]["Integration"]["Uri"]) for m in methods]
    assert len(methods) == 2
    assert any("Caller" in t for t in targets)
    assert any("UnreliableService" in t for t in targets)
    for m in methods:
        assert m["Properties"]["RequestParameters"] == {"method.request.querystring.fail": False}
        assert m["Properties"]["RequestValidatorId"]


def test_throttles_the_stage_and_writes_json_access_logs(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "prod",
            "TracingEnabled": True,
            "MethodSettings": Match.array_with([Match.object_like({"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40})]),
            "AccessLogSetting": Match.object_like({"Format": Match.string_like_regexp(re.escape('"requestId":"$context.requestId"'))}),
        },
    )


def test_runs_every_function_on_python_3_13_arm64_with_json_logs_and_tracing(template: Template) -> None:
    for name in ("Caller", "FailureRecorder", "UnreliableService"):
        props = fn(template, name)["Properties"]
        assert props["Runtime"] == "python3.13", name
        assert props["Architectures"] == ["arm64"], name
        assert props["LoggingConfig"]["LogFormat"] == "JSON", name
        assert props["TracingConfig"] == {"Mode": "Active"}, name


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheEventbridgeCircuitBreakerStack) -> None:
    # Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    with_email = TheEventbridgeCircuitBreakerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
