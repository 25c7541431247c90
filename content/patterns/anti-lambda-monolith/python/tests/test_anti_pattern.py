"""The facts AntiPattern-LambdaMonolith reads from a template: the monolith has them, the fix has none.

The rule pack is TypeScript; the catalog build runs it over this app's synthesized templates. These
tests hold the same facts on the Python app: which functions answer a catch-all or several paths,
and how many kinds of access their roles pool.
"""

import re

from aws_cdk.assertions import Template

from anti_lambda_monolith.anti_lambda_monolith_stack import SinglePurposeShopStack
from anti_lambda_monolith.before_stack import MonolithShopStack
from tests.cdk_app import app_from_cdk_json

PLUMBING = re.compile(r"^(logs|xray|kms):")
READ = re.compile(r"^(Get|BatchGet|List|Describe|Query|Scan|Head|Select|ConditionCheck)", re.I)


def facts(template: Template) -> dict[str, dict[str, object]]:
    """Per function: its route keys, whether one is a catch-all, the paths, and the kinds of access."""
    integrations = template.find_resources("AWS::ApiGatewayV2::Integration")
    routes: dict[str, list[str]] = {}
    for route in template.find_resources("AWS::ApiGatewayV2::Route").values():
        integration = next(p for p in route["Properties"]["Target"]["Fn::Join"][1] if isinstance(p, dict))["Ref"]
        fn = integrations[integration]["Properties"]["IntegrationUri"]["Fn::GetAtt"][0]
        routes.setdefault(fn, []).append(route["Properties"]["RouteKey"])
    kinds: dict[str, set[str]] = {}
    for policy in template.find_resources("AWS::IAM::Policy").values():
        role = policy["Properties"]["Roles"][0]["Ref"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            for action in statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]:
                if not PLUMBING.match(action):
                    service, verb = action.split(":", 1)
                    kinds.setdefault(role, set()).add(f"{service}:{'read' if READ.match(verb) else 'write'}")
    result = {}
    for fid, fn in template.find_resources("AWS::Lambda::Function").items():
        keys = routes.get(fid, [])
        result[re.sub(r"[0-9A-F]{8}$", "", fid)] = {
            "catch_all": any(k == "$default" or re.search(r"\{[^}]+\+\}", k) for k in keys),
            "paths": len({k.split(" ", 1)[1] for k in keys if k != "$default"}),
            "kinds": sorted(kinds.get(fn["Properties"]["Role"]["Fn::GetAtt"][0], set())),
        }
    return result


def test_the_monolith_answers_a_catch_all_route_with_a_role_that_reads_and_writes() -> None:
    template = Template.from_stack(MonolithShopStack(app_from_cdk_json(), "MonolithShopStack"))
    assert facts(template) == {"ShopApi": {"catch_all": True, "paths": 1, "kinds": ["dynamodb:read", "dynamodb:write"]}}


def test_the_fix_has_no_catch_all_route_and_no_function_on_three_paths() -> None:
    template = Template.from_stack(SinglePurposeShopStack(app_from_cdk_json(), "SinglePurposeShopStack"))
    found = facts(template)
    assert set(found) == {"CreateCustomer", "GetCustomer", "DeleteCustomer", "PlaceOrder"}
    for name, fact in found.items():
        assert fact["catch_all"] is False, name
        assert fact["paths"] == 1, name
    # The only function that both reads and writes answers one route: no pooling across routes.
    assert [n for n, f in found.items() if len(f["kinds"]) > 1] == ["PlaceOrder"]  # type: ignore[arg-type]
