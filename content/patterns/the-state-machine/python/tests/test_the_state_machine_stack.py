import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_state_machine.the_state_machine_stack import LAMBDA_TRANSIENT_ERRORS, TheStateMachineStack

TASKS = ("Validate order", "Plan delivery", "Plan pickup")


@pytest.fixture(scope="module")
def stack() -> TheStateMachineStack:
    return TheStateMachineStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheStateMachineStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def asl(template: Template) -> dict[str, Any]:
    """The Fn::Join'ed definition turned back into ASL, each token written as a readable placeholder."""
    machine = next(iter(template.find_resources("AWS::StepFunctions::StateMachine").values()))
    text = ""
    for part in machine["Properties"]["DefinitionString"]["Fn::Join"][1]:
        if isinstance(part, str):
            text += part
        elif "Fn::GetAtt" in part:
            text += f"<{part['Fn::GetAtt'][0]}.{part['Fn::GetAtt'][1]}>"
        elif "Ref" in part:
            text += f"<{part['Ref']}>"
        else:
            raise AssertionError(f"unexpected token {part}")
    return json.loads(text)


def statements_of_role(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in policy["Properties"]["Roles"])
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_of(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def test_runs_an_express_workflow_with_jsonata_tracing_full_logging_and_a_timeout_under_the_api_limit(
    template: Template, asl: dict[str, Any]
) -> None:
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineType": "EXPRESS",
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": Match.object_like({"Level": "ALL", "IncludeExecutionData": True}),
        },
    )
    assert asl["QueryLanguage"] == "JSONata"
    assert asl["TimeoutSeconds"] < 30, "the workflow must end before the HTTP API gives up at 30 s"


def test_has_exactly_the_order_states_starting_with_validation(asl: dict[str, Any]) -> None:
    assert asl["StartAt"] == "Validate order"
    assert {name: state["Type"] for name, state in asl["States"].items()} == {
        "Validate order": "Task",
        "Route order": "Choice",
        "Order rejected": "Fail",
        "Plan delivery": "Task",
        "Plan pickup": "Task",
        "Order accepted": "Succeed",
        "Order failed": "Fail",
    }
    assert asl["States"]["Validate order"]["Next"] == "Route order"
    assert asl["States"]["Plan delivery"]["Next"] == "Order accepted"
    assert asl["States"]["Plan pickup"]["Next"] == "Order accepted"


def test_calls_each_function_through_the_lambda_invoke_integration_and_keeps_only_its_payload(
    template: Template, asl: dict[str, Any]
) -> None:
    functions = {i: f["Properties"]["Handler"] for i, f in template.find_resources("AWS::Lambda::Function").items()}
    expected = {
        "Validate order": ("OrderValidator", "orders.validate_order.handler"),
        "Plan delivery": ("DeliveryPlanner", "orders.plan_delivery.handler"),
        "Plan pickup": ("PickupPlanner", "orders.plan_pickup.handler"),
    }
    for state, (fn, handler) in expected.items():
        task = asl["States"][state]
        assert re.search(r":states:::lambda:invoke$", task["Resource"])
        target = re.fullmatch(rf"<({fn}[0-9A-F]{{8}})\.Arn>", task["Arguments"]["FunctionName"])
        assert target, task["Arguments"]["FunctionName"]
        assert functions[target.group(1)] == handler
        assert task["Output"] == "{% $states.result.Payload %}"


def test_routes_invalid_orders_to_the_fail_state_and_valid_ones_by_fulfilment_in_that_order(asl: dict[str, Any]) -> None:
    choice = asl["States"]["Route order"]
    assert [(c["Condition"], c["Next"]) for c in choice["Choices"]] == [
        ("{% $states.input.valid = false %}", "Order rejected"),
        ("{% $states.input.order.fulfilment = 'delivery' %}", "Plan delivery"),
        ("{% $states.input.order.fulfilment = 'pickup' %}", "Plan pickup"),
    ]
    assert choice["Default"] == "Order rejected"
    # The branches get the validated order, not the whole validation envelope.
    assert choice["Choices"][1]["Output"] == "{% $states.input.order %}"
    assert choice["Choices"][2]["Output"] == "{% $states.input.order %}"
    assert asl["States"]["Order rejected"]["Error"] == "OrderRejected"
    assert re.search(r"\$join\(\$states\.input\.reasons", asl["States"]["Order rejected"]["Cause"])


def test_retries_only_transient_lambda_errors_briefly_and_catches_everything_else_into_order_failed(asl: dict[str, Any]) -> None:
    for state in TASKS:
        task = asl["States"][state]
        assert task["Retry"] == [
            {"ErrorEquals": LAMBDA_TRANSIENT_ERRORS, "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2, "JitterStrategy": "FULL"}
        ]
        assert task["Catch"] == [{"ErrorEquals": ["States.ALL"], "Next": "Order failed", "Output": "{% $states.errorOutput %}"}]
        assert task["TimeoutSeconds"] == 5
    assert asl["States"]["Order failed"] == {"Type": "Fail", "Error": "{% $states.input.Error %}", "Cause": "{% $states.input.Cause %}"}


def test_fits_the_worst_case_of_one_task_with_all_its_retries_inside_the_workflow_timeout(asl: dict[str, Any]) -> None:
    for state in TASKS:
        task = asl["States"][state]
        retry = task["Retry"][0]
        worst = task["TimeoutSeconds"] * (retry["MaxAttempts"] + 1)
        worst += sum(retry["IntervalSeconds"] * retry["BackoffRate"] ** i for i in range(retry["MaxAttempts"]))
        assert worst < asl["TimeoutSeconds"], f"{state} could take {worst} s"


def test_starts_the_workflow_synchronously_from_post_orders_with_the_request_body_as_input(template: Template) -> None:
    template.resource_count_is("AWS::ApiGatewayV2::Route", 1)
    template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": "POST /orders"})
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Integration",
        {
            "IntegrationType": "AWS_PROXY",
            "IntegrationSubtype": "StepFunctions-StartSyncExecution",
            "RequestParameters": {"StateMachineArn": {"Ref": Match.string_like_regexp("^OrderFlow")}, "Input": "$request.body"},
            "CredentialsArn": {"Fn::GetAtt": [Match.string_like_regexp("InvokeRole"), "Arn"]},
        },
    )


def test_lets_the_api_role_start_this_one_state_machine_and_do_nothing_else(template: Template) -> None:
    roles = template.find_resources(
        "AWS::IAM::Role",
        {
            "Properties": {
                "AssumeRolePolicyDocument": {"Statement": [Match.object_like({"Principal": {"Service": "apigateway.amazonaws.com"}})]}
            }
        },
    )
    assert len(roles) == 1
    role_id, role = next(iter(roles.items()))
    assert "ManagedPolicyArns" not in role["Properties"]
    machine = next(iter(template.find_resources("AWS::StepFunctions::StateMachine")))
    assert [
        {"Action": s["Action"], "Effect": s["Effect"], "Resource": s["Resource"]} for s in statements_of_role(template, role_id)
    ] == [{"Action": "states:StartSyncExecution", "Effect": "Allow", "Resource": {"Ref": machine}}]


def test_lets_the_workflow_invoke_its_three_functions_and_no_other_lambda(template: Template) -> None:
    invoked: list[str] = []
    for statement in statements_of_role(template, "OrderFlowRole"):
        if not any(a.startswith("lambda:") for a in actions_of(statement)):
            continue
        assert statement["Action"] == "lambda:InvokeFunction"
        # With minimized policies the function ARNs and their version wildcards share one statement.
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in resources:
            found = re.search(r'"([A-Za-z]+)[0-9A-F]{8}", "Arn"', json.dumps(resource))
            if found:
                invoked.append(found.group(1))
    assert sorted(set(invoked)) == ["DeliveryPlanner", "OrderValidator", "PickupPlanner"]
    assert len(invoked) == 6, "each function and its versions, nothing else"


def test_gives_each_function_a_role_that_can_only_log_and_trace(template: Template) -> None:
    for fn in ("OrderValidator", "DeliveryPlanner", "PickupPlanner"):
        actions = sorted(a for s in statements_of_role(template, f"{fn}Role") for a in actions_of(s))
        assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    assert template.find_resources("AWS::IAM::Role", {"Properties": {"ManagedPolicyArns": Match.any_value()}}) == {}
    template.resource_properties_count_is(
        "AWS::Lambda::Function", {"Runtime": "python3.13", "Architectures": ["arm64"], "TracingConfig": {"Mode": "Active"}}, 3
    )


def test_throttles_and_logs_the_default_stage(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 50},
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
        },
    )


def test_alarms_the_one_alarm_topic_on_orders_that_end_in_order_failed_or_time_out_not_on_rejections(
    template: Template, asl: dict[str, Any]
) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    metric_filter = next(iter(template.find_resources("AWS::Logs::MetricFilter").values()))
    assert metric_filter["Properties"]["FilterPattern"] == '{ ($.type = "FailStateEntered") && ($.details.name = "Order failed") }'
    assert asl["States"]["Order failed"]["Type"] == "Fail"
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted(a["MetricName"] for a in alarms) == ["ExecutionsTimedOut", "OrdersFailed"]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
        assert alarm["Threshold"] == 1
    template.resource_count_is("AWS::SNS::Subscription", 0)
    mailed = Template.from_stack(TheStateMachineStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
    mailed.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_awssolutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheStateMachineStack) -> None:
    with_email = TheStateMachineStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
