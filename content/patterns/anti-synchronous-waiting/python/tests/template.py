"""Both stacks synthesized once per test session, and helpers to read their templates."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from aws_cdk.assertions import Template

from anti_synchronous_waiting.anti_synchronous_waiting_stack import ReportWorkflowStack
from anti_synchronous_waiting.before_stack import PollingReportStack
from tests.cdk_app import app_from_cdk_json


@lru_cache(maxsize=1)
def templates() -> tuple[Template, Template]:
    """(after, before), as `cdk synth -c antiPattern=before` writes them."""
    app = app_from_cdk_json()
    after = ReportWorkflowStack(app, "ReportWorkflowStack")
    before = PollingReportStack(app, "PollingReportStack")
    return Template.from_stack(after), Template.from_stack(before)


def resources_of_type(template: Template, resource_type: str) -> list[tuple[str, dict[str, Any]]]:
    return [(k, r) for k, r in template.to_json()["Resources"].items() if r["Type"] == resource_type]


def definition_of(template: Template) -> dict[str, Any]:
    """The state machine's definition, with every intrinsic replaced by a placeholder."""
    [(_, machine)] = resources_of_type(template, "AWS::StepFunctions::StateMachine")
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    return json.loads("".join(p if isinstance(p, str) else "TOKEN" for p in parts))


def grants_of(template: Template, role_id: str) -> list[tuple[str, str]]:
    """Every Allow statement of the policies attached to a role, as (action, resource) pairs."""
    pairs = []
    for _, policy in resources_of_type(template, "AWS::IAM::Policy"):
        if role_id not in json.dumps(policy["Properties"]["Roles"]):
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            pairs += [(a, json.dumps(r)) for a in actions for r in resources]
    return pairs


def role_id(template: Template, prefix: str) -> str:
    [(found, _)] = [(k, r) for k, r in resources_of_type(template, "AWS::IAM::Role") if k.startswith(prefix)]
    return found
