import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from functions.state_log import state_change_line
from tests.cdk_app import app_from_cdk_json
from the_lambda_circuit_breaker.the_lambda_circuit_breaker_stack import BREAKER, TheLambdaCircuitBreakerStack


@pytest.fixture(scope="module")
def stack() -> TheLambdaCircuitBreakerStack:
    return TheLambdaCircuitBreakerStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheLambdaCircuitBreakerStack) -> Template:
    return Template.from_stack(stack)


def function_named(template: Template, prefix: str) -> dict[str, Any]:
    matches = [r for i, r in template.find_resources("AWS::Lambda::Function").items() if i.startswith(prefix)]
    assert matches, f"no function {prefix}"
    return matches[0]


def data_actions(template: Template, role_prefix: str) -> list[str]:
    actions: list[str] = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if any(r["Ref"].startswith(role_prefix) for r in policy["Properties"]["Roles"]):
            for s in policy["Properties"]["PolicyDocument"]["Statement"]:
                actions += [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
    return sorted(a for a in actions if a.startswith("dynamodb:"))


def test_keeps_one_item_per_circuit_in_an_on_demand_table(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {"KeySchema": [{"AttributeName": "circuitId", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"},
    )


def test_configures_the_breaker_3_failures_open_it_2_trial_successes_close_it_15_s_open_2_s_per_call(template: Template) -> None:
    assert BREAKER == {"failure_threshold": 3, "success_threshold": 2, "open_timeout_ms": 15_000, "call_timeout_ms": 2_000}
    env = function_named(template, "Caller")["Properties"]["Environment"]["Variables"]
    assert env["FAILURE_THRESHOLD"] == "3"
    assert env["SUCCESS_THRESHOLD"] == "2"
    assert env["OPEN_TIMEOUT_MS"] == "15000"
    assert env["CALL_TIMEOUT_MS"] == "2000"
    assert env["CIRCUIT_ID"] == "recommendations"
    assert "DOWNSTREAM_URL" not in env
    assert function_named(template, "Downstream")["Properties"]["Environment"]["Variables"]["FAILURE_RATE"] == "0.5"


def test_takes_a_real_downstream_url_and_the_stand_in_failure_rate_from_context() -> None:
    app = app_from_cdk_json(downstreamUrl="https://recs.example.com/v2", failureRate="0.2")
    other = Template.from_stack(TheLambdaCircuitBreakerStack(app, "With-Context"))
    env = function_named(other, "Caller")["Properties"]["Environment"]["Variables"]
    assert env["DOWNSTREAM_URL"] == "https://recs.example.com/v2"
    assert env["CIRCUIT_ID"] == "recs.example.com"
    assert function_named(other, "Downstream")["Properties"]["Environment"]["Variables"]["FAILURE_RATE"] == "0.2"
    with pytest.raises(ValueError, match="between 0 and 1"):
        TheLambdaCircuitBreakerStack(app_from_cdk_json(failureRate="2"), "Bad")


def test_lets_the_caller_read_and_conditionally_write_its_state_and_nothing_more(template: Template) -> None:
    assert data_actions(template, "CallerRole") == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert data_actions(template, "DownstreamRole") == []
    template.all_resources_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})


def test_gives_the_caller_time_for_the_downstream_call_plus_the_state_reads_and_writes(template: Template) -> None:
    assert function_named(template, "Caller")["Properties"]["Timeout"] * 1000 >= BREAKER["call_timeout_ms"] + 3000


def test_routes_get_root_to_the_caller_and_get_downstream_to_the_stand_in(template: Template) -> None:
    integrations = template.find_resources("AWS::ApiGatewayV2::Integration")
    routes = template.find_resources("AWS::ApiGatewayV2::Route").values()

    def target_of(route_key: str) -> str:
        route = next((r for r in routes if r["Properties"]["RouteKey"] == route_key), None)
        assert route, f"no route {route_key}"
        integration_id = route["Properties"]["Target"]["Fn::Join"][1][1]["Ref"]
        return integrations[integration_id]["Properties"]["IntegrationUri"]["Fn::GetAtt"][0]

    assert target_of("GET /").startswith("Caller")
    assert target_of("GET /downstream").startswith("Downstream")
    template.resource_count_is("AWS::ApiGatewayV2::Route", 2)


def test_alarms_when_the_circuit_opens_counting_the_transition_lines_the_caller_writes(template: Template) -> None:
    filters = list(template.find_resources("AWS::Logs::MetricFilter").values())
    assert filters, "no metric filter"
    props = filters[0]["Properties"]
    assert props["LogGroupName"]["Ref"].startswith("CallerLogs")
    assert props["FilterPattern"] == '"-> OPEN"'
    [transformation] = props["MetricTransformations"]
    assert transformation["MetricName"] == "CircuitOpened"
    assert transformation["MetricValue"] == "1"
    # The phrase is in the lines the Caller writes when the circuit opens, and in no other transition.
    phrase = props["FilterPattern"][1:-1]
    assert phrase in state_change_line("CLOSED", "OPEN", "recommendations")
    assert phrase in state_change_line("HALF_OPEN", "OPEN", "recommendations")
    for from_state, to_state in (("OPEN", "HALF_OPEN"), ("HALF_OPEN", "CLOSED")):
        assert phrase not in state_change_line(from_state, to_state, "x"), to_state
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": transformation["MetricNamespace"],
            "MetricName": "CircuitOpened",
            "Statistic": "Sum",
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
        },
    )


def test_sends_both_alarms_circuit_opened_and_caller_errors_to_the_one_alarm_topic(template: Template) -> None:
    [topic] = template.find_resources("AWS::SNS::Topic")
    assert topic.startswith("AlarmTopic")
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 2
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": Match.string_like_regexp("^Caller[0-9A-F]{8}$")}}],
            "Period": 300,
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheLambdaCircuitBreakerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "WithEmail"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_throttles_the_stage_and_writes_json_access_logs(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 40, "ThrottlingRateLimit": 20},
            "AccessLogSettings": Match.object_like({"Format": Match.string_like_regexp(re.escape('"status":"$context.status"'))}),
        },
    )


def test_runs_both_functions_on_python_3_13_arm64_with_json_logs_and_tracing(template: Template) -> None:
    for name in ("Caller", "Downstream"):
        props = function_named(template, name)["Properties"]
        assert props["Runtime"] == "python3.13", name
        assert props["Architectures"] == ["arm64"], name
        assert props["LoggingConfig"]["LogFormat"] == "JSON", name
        assert props["TracingConfig"] == {"Mode": "Active"}, name


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheLambdaCircuitBreakerStack) -> None:
    # Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    with_email = TheLambdaCircuitBreakerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
