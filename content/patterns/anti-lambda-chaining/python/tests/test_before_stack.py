import pytest
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from anti_lambda_chaining.before_stack import ChainedCheckoutStack
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> ChainedCheckoutStack:
    return ChainedCheckoutStack(app_from_cdk_json(), "Before-Under-Test")


@pytest.fixture(scope="module")
def template(stack: ChainedCheckoutStack) -> Template:
    return Template.from_stack(stack)


def test_lets_place_order_invoke_charge_payment_with_a_timeout_stacked_on_top(template: Template) -> None:
    functions = template.find_resources("AWS::Lambda::Function")
    place_id = next(i for i in functions if i.startswith("PlaceOrder"))
    charge_id = next(i for i in functions if i.startswith("ChargePayment"))
    place, charge = functions[place_id]["Properties"], functions[charge_id]["Properties"]
    assert place["Environment"]["Variables"]["CHARGE_PAYMENT_FUNCTION_NAME"] == {"Ref": charge_id}
    assert (charge["Timeout"], place["Timeout"]) == (10, 30)
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if p["Properties"]["Roles"][0]["Ref"].startswith("PlaceOrderRole")
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": [
        {"Fn::GetAtt": [charge_id, "Arn"]},
        {"Fn::Join": ["", [{"Fn::GetAtt": [charge_id, "Arn"]}, ":*"]]},
    ]} in statements


def test_passes_cdk_nag_with_every_exception_acknowledged_so_the_chain_is_its_only_fault(stack: ChainedCheckoutStack) -> None:
    for pack in (AwsSolutionsChecks(), ServerlessChecks()):
        report = pack.validate_scope(stack)
        assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
