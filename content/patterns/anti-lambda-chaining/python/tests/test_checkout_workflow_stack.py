import re
from typing import Any

import pytest
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_lambda_chaining.anti_lambda_chaining_stack import LAMBDA_TRANSIENT_ERRORS, CheckoutWorkflowStack
from tests.cdk_app import app_from_cdk_json
from tests.definition import definition_of, reachable


@pytest.fixture(scope="module")
def stack() -> CheckoutWorkflowStack:
    return CheckoutWorkflowStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: CheckoutWorkflowStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def definition(template: Template) -> dict[str, Any]:
    return definition_of(template)


def logical_id(template: Template, type_: str, prefix: str) -> str:
    return next(i for i in template.find_resources(type_) if i.startswith(prefix))


def statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def test_lets_no_function_invoke_another_only_the_workflow_role_may_invoke(template: Template) -> None:
    invokers = [r for r in template.find_resources("AWS::IAM::Role") if any(a.startswith("lambda:") for s in statements_of(template, r) for a in actions(s))]
    assert [re.sub(r"[0-9A-F]{8}$", "", r) for r in invokers] == ["CheckoutWorkflowRole"]
    targets = str([s["Resource"] for s in statements_of(template, invokers[0]) if "lambda:InvokeFunction" in actions(s)])
    for fn in ("PriceOrder", "ChargePayment"):
        assert logical_id(template, "AWS::Lambda::Function", fn) in targets
    assert len(template.find_resources("AWS::Lambda::Function")) == 2


def test_gives_charge_payment_only_put_item_on_payments_and_the_workflow_only_put_item_on_orders(template: Template) -> None:
    def dynamo(role: str) -> list[Any]:
        return [[s["Action"], s["Resource"]] for s in statements_of(template, role) if any(a.startswith("dynamodb:") for a in actions(s))]

    assert dynamo("ChargePaymentRole") == [["dynamodb:PutItem", {"Fn::GetAtt": [logical_id(template, "AWS::DynamoDB::GlobalTable", "Payments"), "Arn"]}]]
    # The Step Functions integration builds the table ARN from the table's name.
    orders_arn = {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":dynamodb:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":table/", {"Ref": logical_id(template, "AWS::DynamoDB::GlobalTable", "Orders")}],
        ]
    }
    assert dynamo("CheckoutWorkflowRole") == [["dynamodb:PutItem", orders_arn]]
    assert dynamo("PriceOrderRole") == []


def test_retries_each_step_on_its_own_terms_and_sends_what_is_left_to_checkout_failed(definition: dict[str, Any]) -> None:
    price, charge, save = (definition["States"][n] for n in ("Price order", "Charge payment", "Save order"))
    assert price["Retry"] == [{"ErrorEquals": LAMBDA_TRANSIENT_ERRORS, "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2, "JitterStrategy": "FULL"}]
    assert charge["Retry"] == [
        {
            "ErrorEquals": [*LAMBDA_TRANSIENT_ERRORS, "States.TaskFailed", "States.Timeout"],
            "IntervalSeconds": 2,
            "MaxAttempts": 3,
            "BackoffRate": 2,
            "JitterStrategy": "FULL",
        }
    ]
    assert save["Retry"] == [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1, "MaxAttempts": 4, "BackoffRate": 2, "JitterStrategy": "FULL"}]
    for step in (price, charge, save):
        assert [(c["ErrorEquals"], c["Next"]) for c in step["Catch"]] == [(["States.ALL"], "Checkout failed")]
    assert (price["TimeoutSeconds"], charge["TimeoutSeconds"], definition["TimeoutSeconds"]) == (5, 15, 120)


def test_charges_only_priced_orders_and_saves_only_approved_charges_with_a_direct_put_item(template: Template, definition: dict[str, Any]) -> None:
    states = definition["States"]
    assert definition["StartAt"] == "Price order"
    assert states["Priced?"]["Choices"] == [{"Condition": "{% $states.input.valid = false %}", "Next": "Order rejected"}]
    assert states["Priced?"]["Default"] == "Charge payment"
    assert states["Approved?"]["Choices"] == [{"Condition": "{% $states.input.status = 'declined' %}", "Next": "Payment declined"}]
    assert states["Approved?"]["Default"] == "Save order"
    for end in ("Order rejected", "Payment declined"):
        assert states[end]["Type"] == "Succeed"
        assert "Save order" not in reachable(definition, end)
    assert states["Save order"]["Resource"].endswith(":states:::dynamodb:putItem")
    assert states["Save order"]["Arguments"]["TableName"] == f"<{logical_id(template, 'AWS::DynamoDB::GlobalTable', 'Orders')}>"
    assert states["Charge payment"]["Arguments"]["Payload"] == {
        "orderId": "{% $order.orderId %}",
        "amountCents": "{% $order.totalCents %}",
        "cardToken": "{% $order.cardToken %}",
    }


def test_runs_an_express_workflow_that_logs_every_state_change_without_execution_data(template: Template) -> None:
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineType": "EXPRESS",
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": {
                "Level": "ALL",
                "IncludeExecutionData": False,
                "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [logical_id(template, "AWS::Logs::LogGroup", "CheckoutWorkflowLogs"), "Arn"]}}}],
            },
        },
    )


def test_alarms_on_failed_and_timed_out_executions_notifying_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted([a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"]] for a in alarms) == [
        ["AWS/States", "ExecutionsFailed", "Sum", 300, 1],
        ["AWS/States", "ExecutionsTimedOut", "Sum", 300, 1],
    ]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(CheckoutWorkflowStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_cdk_nag_with_every_exception_acknowledged(stack: CheckoutWorkflowStack) -> None:
    for pack in (AwsSolutionsChecks(), ServerlessChecks()):
        report = pack.validate_scope(stack)
        assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
