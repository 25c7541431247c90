"""The facts the AntiPattern-LambdaChaining rule reads, on both synthesized stacks.

The rule pack is TypeScript and cannot run here; the catalog runs it over these templates.
It flags a function whose execution role may lambda:InvokeFunction on another function.
"""

from typing import Any

from aws_cdk.assertions import Template

from anti_lambda_chaining.anti_lambda_chaining_stack import CheckoutWorkflowStack
from anti_lambda_chaining.before_stack import ChainedCheckoutStack
from tests.cdk_app import app_from_cdk_json


def refs(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0])
            else:
                found |= refs(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= refs(inner)
    return found


def function_invokes(template: Template) -> dict[str, set[str]]:
    """For each function, the other functions (or '*') its execution role may invoke."""
    resources = template.to_json()["Resources"]
    functions = {i for i, r in resources.items() if r["Type"] == "AWS::Lambda::Function"}
    result: dict[str, set[str]] = {}
    for fn in functions:
        role = next(iter(refs(resources[fn]["Properties"]["Role"])))
        targets: set[str] = set()
        for policy in resources.values():
            if policy["Type"] != "AWS::IAM::Policy" or role not in refs(policy["Properties"]["Roles"]):
                continue
            for s in policy["Properties"]["PolicyDocument"]["Statement"]:
                acts = [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
                if any(a in ("lambda:InvokeFunction", "lambda:Invoke*", "lambda:*", "*") for a in acts):
                    resource = s["Resource"]
                    targets |= {"*"} if resource == "*" else (refs(resource) & functions) - {fn}
        result[fn] = targets
    return result


def test_before_stack_lets_place_order_invoke_charge_payment_the_fact_the_rule_flags() -> None:
    invokes = function_invokes(Template.from_stack(ChainedCheckoutStack(app_from_cdk_json(), "ChainedCheckoutStack")))
    chained = {fn: targets for fn, targets in invokes.items() if targets}
    assert len(chained) == 1
    [(caller, targets)] = chained.items()
    assert caller.startswith("PlaceOrder")
    assert [t[: len("ChargePayment")] for t in targets] == ["ChargePayment"]


def test_after_stack_lets_no_function_invoke_another() -> None:
    invokes = function_invokes(Template.from_stack(CheckoutWorkflowStack(app_from_cdk_json(), "CheckoutWorkflowStack")))
    assert len(invokes) == 2
    assert all(not targets for targets in invokes.values())
